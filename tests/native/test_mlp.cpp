// tests/native/test_mlp.cpp: the network, its loss, backward, optimizers and LSUV
// (core/include/initscope/mlp.hpp).
//
// The gradient check follows tiny-dnn's TEST(fully_connected, gradient_check): a small net
// (3 -> 5 -> 4 -> 3 outputs, 4 rows), every activation and both losses, dW, db and the input
// gradient against central differences, twice:
//   (a) through the library's own float32 forward (what training actually differentiates), and
//   (b) through an independent double-precision forward written in this file,
// each with a tolerance derived from its error sources (see the comments at each bound).
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <iomanip>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "initscope/activation.hpp"
#include "initscope/init.hpp"
#include "initscope/mlp.hpp"
#include "initscope/rng.hpp"

using namespace initscope;

namespace {

using testing::act_ref;
using testing::kAllActivations;

constexpr double kPi = 3.14159265358979323846;

// Activations whose first derivative jumps at 0 (selu: lambda alpha = 1.76 on the left, lambda =
// 1.05 on the right). A finite difference across the jump measures neither side.
bool has_kink(Activation a) {
  return a == Activation::relu || a == Activation::leaky_relu || a == Activation::selu;
}

// ---------------------------------------------------------------------------------------------
// A double-precision reference MLP with the same parameters (copied from the float net).
struct RefNet {
  std::vector<std::size_t> in, out;
  std::vector<std::vector<double>> W, b;  // W[l] row-major [out][in]
  std::vector<double> m;                  // the layers' forward multipliers
  Activation act;
  double slope;
  explicit RefNet(const Mlp& net) : act(net.activation), slope(net.leaky_slope) {
    for (const Layer& layer : net.layers) {
      in.push_back(layer.fan_in());
      out.push_back(layer.fan_out());
      W.emplace_back(layer.W.begin(), layer.W.end());
      b.emplace_back(layer.b.begin(), layer.b.end());
      m.push_back(layer.multiplier);
    }
  }
  // Mean batch loss; `signs` (if non-null) gets the sign pattern of every hidden pre-activation.
  double loss(Loss loss, const std::vector<double>& x, const std::vector<int>& labels,
              std::vector<bool>* signs = nullptr) const {
    const std::size_t rows = labels.size(), L = W.size();
    std::vector<double> h = x, z;
    for (std::size_t l = 0; l < L; ++l) {
      z.assign(rows * out[l], 0.0);
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t o = 0; o < out[l]; ++o) {
          double s = 0;
          for (std::size_t i = 0; i < in[l]; ++i) s += W[l][o * in[l] + i] * h[r * in[l] + i];
          z[r * out[l] + o] = m[l] * s + b[l][o];
        }
      if (l + 1 < L) {
        for (double& v : z) {
          if (signs) signs->push_back(v > 0);
          v = act_ref(act, slope, v);
        }
      }
      h = z;
    }
    return batch_loss(loss, h, labels, out.back());
  }
  static double batch_loss(Loss loss, const std::vector<double>& z, const std::vector<int>& y,
                           std::size_t C) {
    double total = 0;
    for (std::size_t r = 0; r < y.size(); ++r) {
      const double* zr = &z[r * C];
      if (loss == Loss::cross_entropy) {
        double mx = zr[0];
        for (std::size_t c = 1; c < C; ++c) mx = std::max(mx, zr[c]);
        double s = 0;
        for (std::size_t c = 0; c < C; ++c) s += std::exp(zr[c] - mx);
        total += std::log(s) + mx - zr[y[r]];
      } else {
        for (std::size_t c = 0; c < C; ++c) {
          const double d = zr[c] - (static_cast<int>(c) == y[r] ? 1.0 : 0.0);
          total += d * d / static_cast<double>(C);
        }
      }
    }
    return total / static_cast<double>(y.size());
  }
};

// The test problem: 3 -> 5 -> 4 -> 3, 4 rows. Weights N(0, 0.8^2) and biases N(0, 0.3^2) put the
// pre-activations at O(1), where every nonlinearity is actually curved. With `multiplied`, the
// layers get forward multipliers (as ntk and mup set them; parametrization.hpp) and weights
// scaled by their inverse, so the pre-activations stay O(1).
struct Problem {
  Mlp net;
  std::vector<float> x;
  std::vector<int> labels = {0, 2, 1, 2};
  Problem(Activation act, uint64_t seed, bool multiplied = false) : net(3, {5, 4}, 3, act, 0.1f) {
    Rng rng(seed, stream::kSample);
    const float multipliers[3] = {0.5f, 1.75f, 0.3f};
    for (std::size_t l = 0; l < net.num_layers(); ++l) {
      Layer& layer = net.layers[l];
      const float m = multiplied ? multipliers[l] : 1.f;
      layer.multiplier = m;
      for (float& w : layer.W) w = static_cast<float>(0.8 * rng.normal() / m);
      for (float& v : layer.b) v = static_cast<float>(0.3 * rng.normal());
    }
    x.resize(labels.size() * 3);
    for (float& v : x) v = static_cast<float>(rng.normal());
  }
  std::size_t rows() const { return labels.size(); }
};

// The library's loss through its own float forward.
double float_loss(const Mlp& net, Loss loss, const std::vector<float>& x,
                  const std::vector<int>& labels, Workspace& ws, std::vector<bool>* signs) {
  const float* logits = net.forward(x.data(), labels.size(), ws);
  if (signs) {
    for (std::size_t l = 0; l + 1 < net.num_layers(); ++l)
      for (std::size_t i = 0; i < labels.size() * net.layers[l].fan_out(); ++i)
        signs->push_back(ws.pre[l][i] > 0.f);
  }
  return loss_and_grad(loss, logits, labels.data(), labels.size(), net.output_dim(), nullptr,
                       nullptr);
}

// Analytic gradients from the library: dW, db per layer and dL/dx = dL/dpre_0 . W_0 (double).
struct Analytic {
  std::vector<std::vector<double>> dW, db;
  std::vector<double> dx;
};
Analytic analytic(Mlp& net, Loss loss, const std::vector<float>& x, const std::vector<int>& y) {
  Workspace ws;
  ws.reserve(net, y.size());
  const float* logits = net.forward(x.data(), y.size(), ws);
  loss_and_grad(loss, logits, y.data(), y.size(), net.output_dim(), ws.grad.back().data(), nullptr);
  net.backward(x.data(), y.size(), ws);
  Analytic a;
  for (const Layer& layer : net.layers) {
    a.dW.emplace_back(layer.dW.begin(), layer.dW.end());
    a.db.emplace_back(layer.db.begin(), layer.db.end());
  }
  const Layer& first = net.layers.front();
  const std::size_t I = first.fan_in(), O = first.fan_out();
  a.dx.assign(y.size() * I, 0.0);
  for (std::size_t r = 0; r < y.size(); ++r)
    for (std::size_t i = 0; i < I; ++i)
      for (std::size_t o = 0; o < O; ++o)
        a.dx[r * I + i] +=
            static_cast<double>(ws.grad[0][r * O + o]) * first.multiplier * first.W(o, i);
  return a;
}

// Compares an analytic gradient tensor with its finite-difference estimate:
// |an - fd| <= atol + rtol |fd|, reporting the worst element.
void check_grad(const std::string& what, const std::vector<double>& an,
                const std::vector<double>& fd, double atol, double rtol) {
  CHECK_TENSOR(what, an.data(), fd.data(), an.size(), atol, rtol);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("mlp: layers are fan_out x fan_in, zero-filled, with the stated sizes", "[mlp]") {
  Mlp net(3, {5, 4}, 3, Activation::tanh, 0.1f);
  REQUIRE(net.num_layers() == 3);
  CHECK(net.input_dim() == 3);
  CHECK(net.output_dim() == 3);
  CHECK(net.layers[0].W.shape()[0] == 5);
  CHECK(net.layers[0].W.shape()[1] == 3);
  CHECK(net.layers[1].fan_in() == 5);
  CHECK(net.layers[1].fan_out() == 4);
  CHECK(net.layers[2].fan_in() == 4);
  CHECK(net.layers[2].fan_out() == 3);
  CHECK(net.parameter_count() == 5 * 3 + 5 + 4 * 5 + 4 + 3 * 4 + 3);
  CHECK(net.max_width() == 5);
  for (const Layer& l : net.layers) {
    CHECK(l.b.size() == l.fan_out());
    CHECK(l.dW.shape() == l.W.shape());
    CHECK(l.db.size() == l.b.size());
    CHECK(testing::moments(l.W).max_abs == 0.0);
    CHECK(testing::moments(l.b).max_abs == 0.0);
  }
  Workspace ws;
  ws.reserve(net, 7);
  CHECK(ws.capacity >= 7);
  REQUIRE(ws.pre.size() == 3);
  for (std::size_t l = 0; l < 3; ++l) {
    CHECK(ws.pre[l].size() >= 7 * net.layers[l].fan_out());
    CHECK(ws.post[l].size() >= 7 * net.layers[l].fan_out());
    CHECK(ws.grad[l].size() >= 7 * net.layers[l].fan_out());
  }
}

TEST_CASE("mlp: forward matches a double-precision reference and the output layer is linear",
          "[mlp]") {
  // Float forward error: each pre-activation is a <= 5-term dot product plus a bias, ~6 float
  // roundings of relative size 2^-24 on terms of size <= |w||x| (<= ~10 here), passed through
  // 3 layers with slopes <= 1.76: well under 1e-5 absolute. 1e-5 absolute + 1e-5 relative.
  for (Activation act : kAllActivations) {
    DYNAMIC_SECTION(to_string(act)) {
      Problem p(act, 5);
      Workspace ws;
      ws.reserve(p.net, p.rows());
      const float* logits = p.net.forward(p.x.data(), p.rows(), ws);
      CHECK(logits == ws.post.back().data());
      // logits via the reference, row by row
      RefNet ref(p.net);
      std::vector<double> h(p.x.begin(), p.x.end());
      for (std::size_t l = 0; l < ref.W.size(); ++l) {
        std::vector<double> z(p.rows() * ref.out[l]);
        for (std::size_t r = 0; r < p.rows(); ++r)
          for (std::size_t o = 0; o < ref.out[l]; ++o) {
            double s = ref.b[l][o];
            for (std::size_t i = 0; i < ref.in[l]; ++i)
              s += ref.W[l][o * ref.in[l] + i] * h[r * ref.in[l] + i];
            z[r * ref.out[l] + o] = s;
          }
        CHECK_TENSOR("pre[" + std::to_string(l) + "]", ws.pre[l].data(), z.data(), z.size(), 1e-5,
                     1e-5);
        if (l + 1 < ref.W.size())
          for (double& v : z) v = act_ref(act, ref.slope, v);
        CHECK_TENSOR("post[" + std::to_string(l) + "]", ws.post[l].data(), z.data(), z.size(), 1e-5,
                     1e-5);
        h = z;
      }
      CHECK(testing::same_bits(ws.pre.back().data(), ws.post.back().data(), p.rows() * 3));
    }
  }
}

TEST_CASE("mlp: backward matches central differences for every activation and both losses",
          "[mlp]") {
  for (bool multiplied : {false, true})
    for (Activation act : kAllActivations) {
      for (Loss loss : {Loss::cross_entropy, Loss::mse}) {
        DYNAMIC_SECTION(to_string(act) << " / " << to_string(loss)
                                       << (multiplied ? " / with layer multipliers" : "")) {
          // Kinks: a draw is used only if no hidden pre-activation changes sign under any of the
          // perturbations below (checked, not assumed); otherwise the next seed is tried. With
          // O(1) pre-activations and h = 2^-7 most draws qualify.
          for (uint64_t seed = 1;; ++seed) {
            REQUIRE(seed < 50);
            Problem p(act, seed, multiplied);
            const Analytic an = analytic(p.net, loss, p.x, p.labels);

            // ----- (a) through the library's float32 forward -----------------------------------
            // Error of a central difference with step h: truncation h^2/6 |d3L/dp3| plus rounding
            // dL/h, where dL is the float forward's rounding noise in the loss (logits of size
            // ~1-5 after ~20 float roundings of 2^-24: |dz| ~ 2e-6, |dL/dz| <= ~0.5 -> dL ~ 1e-6).
            // Measured on this problem: linear/mse, whose loss is exactly quadratic in every
            // parameter (no truncation error at all), shows the rounding term alone, 2e-4 at
            // h = 2^-7; halving h doubles the worst error (rounding-dominated below 2^-7) and
            // doubling h quadruples it (truncation-dominated above; first-layer weights carry
            // x_j^3 with |x_j| up to ~2.5 in d3L/dp3). So h = 2^-7 is the optimum and the worst
            // error there is <= 2e-4 + 2.5e-4. Bound: atol 1e-3 (2x that) plus rtol 1e-2 for the
            // truncation term of large gradients. A wrong derivative (missing slope, sigmoid' = s
            // instead of s(1-s), a missing 1/B, a wrong sign) is off by >= 10% of gradients that
            // are O(0.1-1) here, i.e. >= 1e-2: 10x above the bound. Check (b) is the sharp one.
            const double h = 1.0 / 128;
            Workspace ws;
            ws.reserve(p.net, p.rows());
            std::vector<bool> base_signs;
            float_loss(p.net, loss, p.x, p.labels, ws, &base_signs);
            bool kink_crossed = false;
            auto central = [&](float& param) {
              const float orig = param;
              const float up = static_cast<float>(orig + h), down = static_cast<float>(orig - h);
              std::vector<bool> s_up, s_down;
              param = up;
              const double l_up = float_loss(p.net, loss, p.x, p.labels, ws, &s_up);
              param = down;
              const double l_down = float_loss(p.net, loss, p.x, p.labels, ws, &s_down);
              param = orig;
              if (has_kink(act) && (s_up != base_signs || s_down != base_signs))
                kink_crossed = true;
              // exact step: both perturbed values are floats, their difference exact in double
              return (l_up - l_down) / (static_cast<double>(up) - static_cast<double>(down));
            };
            std::vector<std::vector<double>> fdW, fdb;
            for (Layer& layer : p.net.layers) {
              fdW.emplace_back();
              fdb.emplace_back();
              for (float& w : layer.W) fdW.back().push_back(central(w));
              for (float& b : layer.b) fdb.back().push_back(central(b));
            }
            std::vector<double> fdx;
            for (float& v : p.x) fdx.push_back(central(v));
            if (kink_crossed) continue;

            // ----- (b) through the double-precision reference forward --------------------------
            // Here the difference itself is exact to ~1e-9 (h = 1e-6: truncation 1e-13 |L'''|,
            // rounding 1e-16 / 1e-6), so what is left is the float backward's own error: each
            // gradient element sums <= 4 rows of products along <= 3 layers, ~30 float roundings
            // of 2^-24 relative on terms no larger than the tensor's largest gradient -> 2e-6 of
            // that scale. Bound: atol 1e-5 * max|fd| of the tensor + 1e-8, rtol 1e-4.
            const double hd = 1e-6;
            RefNet ref(p.net);
            const std::vector<double> xd(p.x.begin(), p.x.end());
            std::vector<bool> ref_signs;
            ref.loss(loss, xd, p.labels, &ref_signs);
            auto central_d = [&](double& param, std::vector<double>* xin) {
              const double orig = param;
              std::vector<bool> s1, s2;
              param = orig + hd;
              const double l_up = ref.loss(loss, xin ? *xin : xd, p.labels, &s1);
              param = orig - hd;
              const double l_down = ref.loss(loss, xin ? *xin : xd, p.labels, &s2);
              param = orig;
              if (has_kink(act) && (s1 != ref_signs || s2 != ref_signs)) kink_crossed = true;
              return (l_up - l_down) / (2 * hd);
            };
            std::vector<std::vector<double>> rdW(ref.W.size()), rdb(ref.W.size());
            for (std::size_t l = 0; l < ref.W.size(); ++l) {
              for (double& w : ref.W[l]) rdW[l].push_back(central_d(w, nullptr));
              for (double& b : ref.b[l]) rdb[l].push_back(central_d(b, nullptr));
            }
            std::vector<double> xv = xd, rdx;
            for (double& v : xv) rdx.push_back(central_d(v, &xv));
            if (kink_crossed) continue;

            INFO("seed " << seed);
            for (std::size_t l = 0; l < p.net.num_layers(); ++l) {
              const std::string L = std::to_string(l);
              check_grad("float FD dW[" + L + "]", an.dW[l], fdW[l], 1e-3, 1e-2);
              check_grad("float FD db[" + L + "]", an.db[l], fdb[l], 1e-3, 1e-2);
              const double sW = testing::moments(rdW[l]).max_abs;
              const double sb = testing::moments(rdb[l]).max_abs;
              check_grad("double FD dW[" + L + "]", an.dW[l], rdW[l], 1e-5 * sW + 1e-8, 1e-4);
              check_grad("double FD db[" + L + "]", an.db[l], rdb[l], 1e-5 * sb + 1e-8, 1e-4);
            }
            check_grad("float FD dx", an.dx, fdx, 1e-3, 1e-2);
            check_grad("double FD dx", an.dx, rdx, 1e-5 * testing::moments(rdx).max_abs + 1e-8,
                       1e-4);
            // The check must have had something to check: gradients large enough (>= 10x the
            // float bound) that a wrong one could not hide under the tolerance.
            double largest = 0;
            for (const auto& g : rdW) largest = std::max(largest, testing::moments(g).max_abs);
            CHECK(largest > 1e-2);
            break;
          }
        }
      }
    }
}

TEST_CASE("mlp: loss_and_grad values against hand computation", "[mlp]") {
  SECTION("cross_entropy: -log softmax, gradient (p - onehot)/B, argmax accuracy") {
    // Row 0: logits (1, 2, 3), label 2: loss = log(e + e^2 + e^3) - 3 = log(1 + e^-1 + e^-2).
    // Row 1: logits (0.5, -1, 0), label 1: loss = log(e^0.5 + e^-1 + 1) + 1; argmax 0 != 1.
    const float logits[] = {1, 2, 3, 0.5f, -1, 0};
    const int labels[] = {2, 1};
    float d[6];
    std::size_t correct = 99;
    const double loss = loss_and_grad(Loss::cross_entropy, logits, labels, 2, 3, d, &correct);
    const double l0 = std::log(1 + std::exp(-1.0) + std::exp(-2.0));
    const double s1 = std::exp(0.5) + std::exp(-1.0) + 1.0;
    const double l1 = std::log(s1) + 1.0;
    CHECK(loss == Approx((l0 + l1) / 2).epsilon(1e-12));
    CHECK(correct == 1u);
    const double s0 = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    const double expect[] = {std::exp(1.0) / s0 / 2,        std::exp(2.0) / s0 / 2,
                             (std::exp(3.0) / s0 - 1) / 2,  std::exp(0.5) / s1 / 2,
                             (std::exp(-1.0) / s1 - 1) / 2, 1.0 / s1 / 2};
    // float storage of the gradient: 1 float rounding, relative 2^-24 -> 1e-7 relative.
    CHECK_TENSOR("dlogits", d, expect, 6, 0.0, 2e-7);
  }
  SECTION("cross_entropy is stable for huge logits") {
    const float logits[] = {1000, 0, -1000, 1000, 0, -1000};
    const int labels[] = {0, 1};
    float d[6];
    const double loss = loss_and_grad(Loss::cross_entropy, logits, labels, 2, 3, d, nullptr);
    // row 0: log(1 + e^-1000 + e^-2000) ~ 0; row 1: 1000 + log(1 + ...) ~ 1000
    CHECK(loss == Approx(500.0).epsilon(1e-12));
    for (float v : d) CHECK(std::isfinite(v));
  }
  SECTION("cross_entropy at zero logits is log C for any label") {
    const float logits[] = {0, 0, 0, 0, 0, 0, 0, 0};
    const int labels[] = {0, 3};
    CHECK(loss_and_grad(Loss::cross_entropy, logits, labels, 2, 4, nullptr, nullptr) ==
          Approx(std::log(4.0)).epsilon(1e-15));
  }
  SECTION("mse: mean over B*C of (logit - onehot)^2, gradient 2 (logit - onehot)/(B C)") {
    // (0.5, -1) vs (1, 0): 0.25 + 1; (2, 0) vs (0, 1): 4 + 1; mean over 4 = 6.25/4 = 1.5625.
    const float logits[] = {0.5f, -1, 2, 0};
    const int labels[] = {0, 1};
    float d[4];
    std::size_t correct = 99;
    const double loss = loss_and_grad(Loss::mse, logits, labels, 2, 2, d, &correct);
    CHECK(loss == Approx(1.5625).epsilon(1e-15));
    CHECK(correct == 1u);  // row 0 argmax 0 = label; row 1 argmax 0 != 1
    const double expect[] = {-0.25, -0.5, 1.0, -0.5};
    CHECK_TENSOR("dlogits", d, expect, 4, 0.0, 1e-7);
  }
  SECTION("null outputs are allowed and the loss is unchanged") {
    const float logits[] = {1, 2, 3, 0.5f, -1, 0};
    const int labels[] = {2, 1};
    float d[6];
    CHECK(loss_and_grad(Loss::cross_entropy, logits, labels, 2, 3, nullptr, nullptr) ==
          loss_and_grad(Loss::cross_entropy, logits, labels, 2, 3, d, nullptr));
  }
  SECTION("non-finite logits give a non-finite loss (how divergence is seen)") {
    const float logits[] = {NAN, 0, 0, 0};
    const int labels[] = {0, 1};
    CHECK_FALSE(
        std::isfinite(loss_and_grad(Loss::cross_entropy, logits, labels, 2, 2, nullptr, nullptr)));
    const float inf_logits[] = {INFINITY, 0, 0, 0};
    CHECK_FALSE(
        std::isfinite(loss_and_grad(Loss::mse, inf_logits, labels, 2, 2, nullptr, nullptr)));
  }
}

// ---------------------------------------------------------------------------------------------
// Optimizers: one or two updates against the PyTorch rule written out here in double.

namespace {
struct OptFixture {
  Mlp net{2, {3}, 2, Activation::relu, 0.01f};
  explicit OptFixture(uint64_t seed) {
    Rng rng(seed, stream::kSample);
    for (Layer& l : net.layers) {
      for (float& w : l.W) w = static_cast<float>(rng.normal());
      for (float& v : l.b) v = static_cast<float>(rng.normal());
    }
    set_grads(seed + 1000);
  }
  void set_grads(uint64_t seed) {
    Rng rng(seed, stream::kSample);
    for (Layer& l : net.layers) {
      for (float& g : l.dW) g = static_cast<float>(rng.normal());
      for (float& g : l.db) g = static_cast<float>(rng.normal());
    }
    // Edge cases for Adam: a zero gradient (no move) and a tiny one, where eps = 1e-8 in the
    // denominator matters (step = lr g / (|g| + eps) ~ lr * 0.0099 for |g| = 1e-10).
    net.layers[0].dW(0, 0) = 0.0f;
    net.layers[0].dW(0, 1) = 1e-10f;
  }
  // Flat copies in the order W0, b0, W1, b1 (double).
  std::vector<double> params() const {
    std::vector<double> out;
    for (const Layer& l : net.layers) {
      out.insert(out.end(), l.W.begin(), l.W.end());
      out.insert(out.end(), l.b.begin(), l.b.end());
    }
    return out;
  }
  std::vector<double> grads() const {
    std::vector<double> out;
    for (const Layer& l : net.layers) {
      out.insert(out.end(), l.dW.begin(), l.dW.end());
      out.insert(out.end(), l.db.begin(), l.db.end());
    }
    return out;
  }
};

// A float implementation of one update does at most ~12 float operations per element (Adam:
// two moment updates, sqrt, bias corrections, division, the step and the subtraction), each
// rounding by <= 2^-24 relative to magnitudes <= |p| + |step|: tolerance 8 FLT_EPSILON
// (= 16 x 2^-24) times that. A wrong rule (no bias correction, eps inside the sqrt, dampened
// momentum) moves the result by orders of magnitude more.
void check_params(const std::vector<double>& got, const std::vector<double>& before,
                  const std::vector<double>& expect) {
  REQUIRE(got.size() == expect.size());
  std::vector<double> tol(got.size());
  std::size_t bad = 0, worst = 0;
  double worst_ratio = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double t =
        8 * FLT_EPSILON * (std::fabs(before[i]) + std::fabs(expect[i] - before[i])) + 1e-30;
    const double ratio = std::fabs(got[i] - expect[i]) / t;
    if (!(ratio <= 1)) ++bad;
    if (!(ratio <= worst_ratio)) worst_ratio = ratio, worst = i;
  }
  INFO(std::setprecision(9) << "worst element " << worst << ": got " << got[worst] << ", expected "
                            << expect[worst] << " (before " << before[worst] << "), " << worst_ratio
                            << " x tolerance");
  CHECK(bad == 0u);
}
}  // namespace

TEST_CASE("optimizers: sgd, momentum and adam follow PyTorch's update rules", "[mlp]") {
  const double lr = 0.05;
  SECTION("sgd: p -= lr g") {
    OptFixture f(1);
    const auto p0 = f.params(), g = f.grads();
    OptimizerState opt(Optimizer::sgd, f.net, lr, 0.9);
    CHECK(opt.update(f.net));
    std::vector<double> expect(p0.size());
    for (std::size_t i = 0; i < p0.size(); ++i) expect[i] = p0[i] - lr * g[i];
    check_params(f.params(), p0, expect);
  }
  SECTION("momentum: v = mu v + g, p -= lr v (dampening 0), two steps") {
    const double mu = 0.8;
    OptFixture f(2);
    const auto p0 = f.params(), g1 = f.grads();
    OptimizerState opt(Optimizer::momentum, f.net, lr, mu);
    CHECK(opt.update(f.net));
    std::vector<double> v(p0.size()), p1(p0.size());
    for (std::size_t i = 0; i < p0.size(); ++i) {
      v[i] = g1[i];  // PyTorch: the first buffer is the gradient itself
      p1[i] = p0[i] - lr * v[i];
    }
    check_params(f.params(), p0, p1);
    f.set_grads(77);
    const auto p1_got = f.params(), g2 = f.grads();
    CHECK(opt.update(f.net));
    std::vector<double> p2(p0.size());
    for (std::size_t i = 0; i < p0.size(); ++i) p2[i] = p1_got[i] - lr * (mu * v[i] + g2[i]);
    check_params(f.params(), p1_got, p2);
  }
  SECTION("adam: bias-corrected moments, eps outside the sqrt, two steps") {
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    OptFixture f(3);
    const auto p0 = f.params(), g1 = f.grads();
    OptimizerState opt(Optimizer::adam, f.net, lr, 0.9);
    CHECK(opt.update(f.net));
    std::vector<double> m(p0.size()), v(p0.size()), p1(p0.size());
    for (std::size_t i = 0; i < p0.size(); ++i) {
      m[i] = (1 - b1) * g1[i];
      v[i] = (1 - b2) * g1[i] * g1[i];
      const double mhat = m[i] / (1 - b1), vhat = v[i] / (1 - b2);
      p1[i] = p0[i] - lr * mhat / (std::sqrt(vhat) + eps);
    }
    const auto p1_got = f.params();
    check_params(p1_got, p0, p1);
    CHECK(p1_got[0] == p0[0]);  // zero gradient: no move at all
    // |g| = 1e-10 << eps: the step is lr * 1e-10 / (1e-10 + 1e-8) = lr / 101, not lr.
    // The difference of two floats near |p| ~ 1 is known to ~1 ulp (1.2e-7), 2.4e-4 of this
    // step, hence 1e-2; eps inside the sqrt would give lr * 1e-6, no eps at all lr.
    CHECK(p0[1] - p1_got[1] == Approx(lr / 101).epsilon(1e-2));
    f.set_grads(78);
    const auto g2 = f.grads();
    CHECK(opt.update(f.net));
    std::vector<double> p2(p0.size());
    for (std::size_t i = 0; i < p0.size(); ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g2[i];
      v[i] = b2 * v[i] + (1 - b2) * g2[i] * g2[i];
      const double mhat = m[i] / (1 - b1 * b1), vhat = v[i] / (1 - b2 * b2);
      p2[i] = p1_got[i] - lr * mhat / (std::sqrt(vhat) + eps);
    }
    check_params(f.params(), p1_got, p2);
  }
  SECTION("update reports non-finite parameters") {
    for (Optimizer kind : {Optimizer::sgd, Optimizer::momentum, Optimizer::adam}) {
      INFO(to_string(kind));
      OptFixture f(4);
      f.net.layers[1].db(1) = NAN;
      OptimizerState opt(kind, f.net, lr, 0.9);
      CHECK_FALSE(opt.update(f.net));
    }
    OptFixture f(5);
    f.net.layers[0].dW(1, 1) = 3e38f;  // lr * g overflows float: the parameter becomes -inf
    OptimizerState opt(Optimizer::sgd, f.net, 10.0, 0.0);
    CHECK_FALSE(opt.update(f.net));
  }
}

// ---------------------------------------------------------------------------------------------

TEST_CASE("lsuv_rescale: every layer's pre-activation variance on the batch is 1 within tol",
          "[mlp]") {
  // Mishkin & Matas 2015, Algorithm 1, on 16 -> 32 -> 32 -> 32 -> 4 (tanh) with orthogonal init
  // and inputs of variance 9 (so the unscaled variances are far from 1).
  const std::size_t rows = 256;
  Mlp net(16, {32, 32, 32}, 4, Activation::tanh, 0.01f);
  Config c;
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    Rng r(7, stream::kLayerWeights + l);
    net.layers[l].W =
        init_weights(Init::lsuv, net.layers[l].fan_out(), net.layers[l].fan_in(), c, r);
  }
  std::vector<Matrix> before;
  for (const Layer& l : net.layers) before.push_back(l.W);
  Rng rng(7, stream::kSample);
  std::vector<float> x(rows * 16);
  for (float& v : x) v = static_cast<float>(3.0 * rng.normal());
  lsuv_rescale(net, x.data(), rows, 0.1, 10);

  Workspace ws;
  ws.reserve(net, rows);
  net.forward(x.data(), rows, ws);
  for (std::size_t l = 0; l < net.num_layers(); ++l) {
    const auto m = testing::moments(ws.pre[l].data(), rows * net.layers[l].fan_out());
    INFO("layer " << l << ": pre-activation variance " << m.m2);
    CHECK(std::fabs(m.m2 - 1.0) < 0.1);
    // Only a rescale: W_after = c W_before, one factor per layer (c fitted by least squares).
    // Each of <= 10 float multiplications rounds by 2^-24, so |W_after - c W_before| stays
    // below ~1e-6 of the largest weight.
    const Matrix& w = net.layers[l].W;
    double wb = 0, bb = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      wb += static_cast<double>(w.data()[i]) * before[l].data()[i];
      bb += static_cast<double>(before[l].data()[i]) * before[l].data()[i];
    }
    const double ratio = wb / bb;
    const double scale = std::fabs(ratio) * testing::moments(before[l]).max_abs;
    bool proportional = true;
    for (std::size_t i = 0; i < w.size(); ++i)
      proportional =
          proportional && std::fabs(w.data()[i] - ratio * before[l].data()[i]) <= 1e-6 * scale;
    CHECK(proportional);
  }
  SECTION("a layer that cannot reach unit variance (zero weights) stays finite") {
    Mlp zero(4, {8}, 2, Activation::relu, 0.01f);
    std::vector<float> xs(64 * 4, 1.0f);
    lsuv_rescale(zero, xs.data(), 64);
    for (const Layer& l : zero.layers)
      for (float w : l.W) CHECK(std::isfinite(w));
  }
}
