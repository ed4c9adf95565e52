/* Hand-written reverse-mode (backpropagation) gradient of the benchmark network's loss
 *
 *   loss = (y - (c + sum_j v_j * tanh(w_j1*x1 + w_j2*x2 + b_j)))^2,   j = 1..4
 *
 * with the same signature and input/output order as ddx's emitted ddx_grad:
 *   in  = w11 w12 w21 w22 w31 w32 w41 w42 b1 b2 b3 b4 v1 v2 v3 v4 c x1 x2 y
 *   out = d loss / d (w11 .. c), in that order.
 * Written straight-line (the loops over the 4 hidden units unrolled by hand) so that the
 * static instruction count of the object is also the per-call count.
 * Forward: 4*(2 mul + 2 add) + 4 mul + 4 add + 1 sub = 25 flops; backward: 1 (2r) + 4 (dv)
 * + 4*(mul h*h, sub 1-h^2, mul d*v, mul) + 8 (dw) = 29 flops; 54 in all, 4 tanh. */
#include <math.h>

void backprop_grad(const double *in, double *out)
{
    const double w11 = in[0], w12 = in[1], w21 = in[2], w22 = in[3];
    const double w31 = in[4], w32 = in[5], w41 = in[6], w42 = in[7];
    const double b1 = in[8], b2 = in[9], b3 = in[10], b4 = in[11];
    const double v1 = in[12], v2 = in[13], v3 = in[14], v4 = in[15];
    const double c = in[16], x1 = in[17], x2 = in[18], y = in[19];

    /* forward */
    const double h1 = tanh(w11 * x1 + w12 * x2 + b1);
    const double h2 = tanh(w21 * x1 + w22 * x2 + b2);
    const double h3 = tanh(w31 * x1 + w32 * x2 + b3);
    const double h4 = tanh(w41 * x1 + w42 * x2 + b4);
    const double f = c + v1 * h1 + v2 * h2 + v3 * h3 + v4 * h4;

    /* backward: d loss / d f = 2 (f - y) */
    const double d = 2.0 * (f - y);
    const double g1 = d * v1 * (1.0 - h1 * h1); /* d loss / d z_j = d loss / d b_j */
    const double g2 = d * v2 * (1.0 - h2 * h2);
    const double g3 = d * v3 * (1.0 - h3 * h3);
    const double g4 = d * v4 * (1.0 - h4 * h4);

    out[0] = g1 * x1;
    out[1] = g1 * x2;
    out[2] = g2 * x1;
    out[3] = g2 * x2;
    out[4] = g3 * x1;
    out[5] = g3 * x2;
    out[6] = g4 * x1;
    out[7] = g4 * x2;
    out[8] = g1;
    out[9] = g2;
    out[10] = g3;
    out[11] = g4;
    out[12] = d * h1;
    out[13] = d * h2;
    out[14] = d * h3;
    out[15] = d * h4;
    out[16] = d;
}
