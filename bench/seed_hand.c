/* Hand-written value and gradient of the least-squares loss (y - (a*x + b))^2:
 *   in  = a b x y,   out = loss, d loss/da, d loss/db.
 * r = a*x + b - y (mul, add, sub), loss = r*r, d = 2r, da = d*x: 6 flops. */
void seed_hand(const double *in, double *out)
{
    const double a = in[0], b = in[1], x = in[2], y = in[3];
    const double r = a * x + b - y;
    const double d = 2.0 * r;
    out[0] = r * r;
    out[1] = d * x;
    out[2] = d;
}
