/* Hand-written value and gradient of a tanh network's squared error, as loops (the forward
 * pass, then backpropagation), for bench/nn_ladder.cpp. The driver puts three lines before
 * this text:
 *
 *   #define LAYERS 2            hidden layers
 *   #define WIDTHS {2, 16, 16}  inputs, then the width of each hidden layer
 *   #define MAXW 16             the largest of those
 *
 * The network: h_l = tanh(W_l h_(l-1) + b_l), h_0 = (x1, x2, ...), f = v . h_LAYERS + c,
 * loss = (y - f)^2. `in` holds the parameters in the order of the ddx scripts the driver
 * writes (for each layer, for each unit: its weights, then its bias; then v, then c), then
 * the inputs x1, x2, ... and y; `out` gets the loss, then d loss / d parameter in the same
 * order: the signature and layout of ddx's emitted code. */
#include <math.h>

static const int widths[LAYERS + 1] = WIDTHS;

void hand_value_grad(const double *in, double *out)
{
    double act[LAYERS + 1][MAXW];
    double delta[MAXW], back[MAXW];
    int start[LAYERS + 1];
    int n = 0;
    for (int l = 0; l < LAYERS; ++l) {
        start[l] = n;
        n += widths[l + 1] * (widths[l] + 1);
    }
    start[LAYERS] = n;
    const int nh = widths[LAYERS];
    const int parameters = n + nh + 1;
    for (int k = 0; k < widths[0]; ++k) act[0][k] = in[parameters + k];
    const double y = in[parameters + widths[0]];

    /* forward */
    for (int l = 0; l < LAYERS; ++l) {
        const int nin = widths[l];
        const double *p = in + start[l];
        for (int j = 0; j < widths[l + 1]; ++j, p += nin + 1) {
            double z = p[nin];
            for (int k = 0; k < nin; ++k) z += p[k] * act[l][k];
            act[l + 1][j] = tanh(z);
        }
    }
    const double *v = in + start[LAYERS];
    double f = v[nh];
    for (int j = 0; j < nh; ++j) f += v[j] * act[LAYERS][j];
    const double r = f - y;
    out[0] = r * r;

    /* backward: d loss / d f = 2 r; delta = d loss / d z of the layer */
    double *g = out + 1;
    const double d = 2.0 * r;
    for (int j = 0; j < nh; ++j) {
        g[start[LAYERS] + j] = d * act[LAYERS][j];
        delta[j] = d * v[j] * (1.0 - act[LAYERS][j] * act[LAYERS][j]);
    }
    g[start[LAYERS] + nh] = d;
    for (int l = LAYERS - 1; l >= 0; --l) {
        const int nin = widths[l], nout = widths[l + 1];
        const double *p = in + start[l];
        double *gp = g + start[l];
        for (int j = 0; j < nout; ++j, gp += nin + 1) {
            for (int k = 0; k < nin; ++k) gp[k] = delta[j] * act[l][k];
            gp[nin] = delta[j];
        }
        if (l == 0) break;
        for (int k = 0; k < nin; ++k) back[k] = 0.0;
        for (int j = 0; j < nout; ++j, p += nin + 1) {
            for (int k = 0; k < nin; ++k) back[k] += delta[j] * p[k];
        }
        for (int k = 0; k < nin; ++k) delta[k] = back[k] * (1.0 - act[l][k] * act[l][k]);
    }
}
