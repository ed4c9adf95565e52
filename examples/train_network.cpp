// Training a small neural network with a gradient that ddx derived and compiled.
//
// A 2-8-8-1 network (two tanh hidden layers, a linear output) is built as a GiNaC expression
// over symbols of a ddx::symbol_table. The squared error of one sample is differentiated by
// reverse accumulation (ddx::reverse_gradient: symbolic backpropagation), emitted as one C
// function computing [loss, gradient] (ddx::emit_c) and compiled (ddx::compile). Full-batch
// Adam trains it on 200 points of y = sin(x1)*cos(x2), summing the compiled per-sample gradient.
// Checks: the compiled gradient agrees with central differences of the compiled loss, and the
// loss falls below 20% of its start.
//
//     build/examples/train_network
#include <ddx/ddx.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct sample {
    double x1, x2, y;
};

// A dense layer: unit i is sum_j w<layer>_<i>_<j> * inputs[j] + b<layer>_<i>, through tanh if
// asked. Its weights are appended to `weights`, the order in which the compiled code reads them.
std::vector<GiNaC::ex> dense_layer(const std::vector<GiNaC::ex>& inputs, int units, int layer, bool with_tanh,
                                   ddx::symbol_table& symbols, std::vector<GiNaC::ex>& weights) {
    std::vector<GiNaC::ex> outputs;
    for (int i = 0; i < units; ++i) {
        const std::string unit = std::to_string(layer) + "_" + std::to_string(i);
        GiNaC::ex bias = symbols.get("b" + unit), sum = bias;
        weights.push_back(bias);
        for (std::size_t j = 0; j < inputs.size(); ++j) {
            GiNaC::ex w = symbols.get("w" + unit + "_" + std::to_string(j));
            weights.push_back(w);
            sum += w * inputs[j];
        }
        outputs.push_back(with_tanh ? GiNaC::tanh(sum) : sum);
    }
    return outputs;
}

// The compiled code's input is {weights..., x1, x2, y}: a sample goes in the last three.
void place_sample(std::vector<double>& in, const sample& s) {
    in[in.size() - 3] = s.x1, in[in.size() - 2] = s.x2, in[in.size() - 1] = s.y;
}

// The mean loss over `data` at the weights in `in`, and its gradient: the mean of the
// compiled per-sample gradients.
double mean_loss(const ddx::compiled_function& loss_grad, const std::vector<sample>& data,
                 std::vector<double>& in, std::vector<double>& gradient) {
    const std::size_t n = gradient.size();
    std::vector<double> out(loss_grad.outputs());
    std::fill(gradient.begin(), gradient.end(), 0.0);
    double total = 0.0;
    for (const sample& s : data) {
        place_sample(in, s);
        loss_grad(in.data(), out.data());
        total += out[0];
        for (std::size_t i = 0; i < n; ++i) gradient[i] += out[1 + i];
    }
    for (double& g : gradient) g /= static_cast<double>(data.size());
    return total / static_cast<double>(data.size());
}

}  // namespace

int main() {
    try {
        ddx::symbol_table symbols;
        GiNaC::ex x1 = symbols.get("x1"), x2 = symbols.get("x2"), y = symbols.get("y");
        std::vector<GiNaC::ex> weights;
        std::vector<GiNaC::ex> hidden1 = dense_layer({x1, x2}, 8, 1, true, symbols, weights);
        std::vector<GiNaC::ex> hidden2 = dense_layer(hidden1, 8, 2, true, symbols, weights);
        GiNaC::ex prediction = dense_layer(hidden2, 1, 3, false, symbols, weights)[0];
        GiNaC::ex loss = GiNaC::pow(prediction - y, 2);

        // Reverse accumulation: the entries share the hidden units' adjoints, so the emitted
        // code is a backward pass, linear in the network's size.
        GiNaC::lst gradient = ddx::reverse_gradient(loss, weights);
        std::vector<GiNaC::ex> inputs = weights;
        inputs.insert(inputs.end(), {x1, x2, y});
        const std::string source = ddx::emit_c({loss, gradient}, inputs, "loss_grad");
        std::printf("network 2-8-8-1: %zu weights, %zu distinct nodes in the loss\n", weights.size(),
                    ddx::distinct_nodes(loss));
        const std::size_t signature = source.find("void "), signature_end = source.find('\n', signature);
        std::printf("emitted C: %s, %td lines\n", source.substr(signature, signature_end - signature).c_str(),
                    std::count(source.begin(), source.end(), '\n'));

        ddx::compiled_function loss_grad = ddx::compile({loss, gradient}, inputs);
        std::string why = loss_grad.why_interpreted();
        why.erase(why.find_last_not_of(" \n") + 1);  // it can end in a newline
        if (!loss_grad.is_native()) why = "the interpreter, because " + why;
        std::printf("compiled with: %s\n", loss_grad.is_native() ? "native code (C compiler)" : why.c_str());

        // A fixed-seed linear congruential generator: the same data and weights on every run.
        std::uint64_t state = 20240601;
        auto uniform = [&state](double low, double high) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            return low + (high - low) * static_cast<double>(state >> 11) * 0x1.0p-53;  // top 53 bits
        };
        std::vector<sample> data;
        for (int row = 0; row < 200; ++row) {
            double a = uniform(-2, 2), b = uniform(-2, 2);
            data.push_back({a, b, std::sin(a) * std::cos(b)});
        }
        // Small weights keep the tanh units away from saturation, where gradients vanish.
        std::vector<double> in(inputs.size());
        for (std::size_t i = 0; i < weights.size(); ++i) in[i] = uniform(-0.5, 0.5);

        // Gradient check on one sample: each compiled partial against a central difference of
        // the compiled loss, relative to the largest partial.
        place_sample(in, data[0]);
        std::vector<double> out(loss_grad.outputs()), shifted(loss_grad.outputs());
        auto loss_at = [&](const std::vector<double>& point) {
            loss_grad(point.data(), shifted.data());
            return shifted[0];
        };
        loss_grad(in.data(), out.data());
        double worst = 0.0, largest = 0.0;
        const double h = 1e-6;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            std::vector<double> plus = in, minus = in;
            plus[i] += h, minus[i] -= h;
            worst = std::max(worst, std::fabs((loss_at(plus) - loss_at(minus)) / (2 * h) - out[1 + i]));
            largest = std::max(largest, std::fabs(out[1 + i]));
        }
        const bool gradient_ok = largest > 0 && worst <= 1e-5 * largest;
        std::printf("gradient check: %s (largest difference %.1e, largest partial %.1e)\n",
                    gradient_ok ? "ok" : "FAILED", worst, largest);

        // Full-batch Adam: gradient descent with a step per weight scaled by the gradient's
        // running size, which copes with the layers' differently scaled partials.
        const int steps = 500;
        const double rate = 0.01, beta1 = 0.9, beta2 = 0.999;
        std::vector<double> g(weights.size()), m(weights.size()), v(weights.size());
        const double start = mean_loss(loss_grad, data, in, g);
        for (int step = 1; step <= steps; ++step) {
            mean_loss(loss_grad, data, in, g);
            const double m_scale = 1 - std::pow(beta1, step), v_scale = 1 - std::pow(beta2, step);
            for (std::size_t i = 0; i < weights.size(); ++i) {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                in[i] -= rate * (m[i] / m_scale) / (std::sqrt(v[i] / v_scale) + 1e-8);
            }
        }
        const double end = mean_loss(loss_grad, data, in, g);
        std::printf("mean loss at the start: %.6f\n", start);
        std::printf("mean loss after %d steps of Adam: %.6f (%.2g%% of the start)\n", steps, end,
                    100 * end / start);
        const bool trained = end < 0.2 * start;
        std::printf("trained: %s\n", trained ? "loss below 20% of the start" : "FAILED, loss not below 20%");
        return gradient_ok && trained ? 0 : 1;
    } catch (const ddx::error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
