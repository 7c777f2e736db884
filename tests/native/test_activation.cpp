// tests/native/test_activation.cpp: activations (core/include/initscope/activation.hpp).
//
// Three layers of reference: closed forms written out here (double), the library's scalar double
// forms (activate_scalar / derivative_scalar), and the float buffer kernels the MLP uses.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <vector>

#include "helpers.hpp"
#include "initscope/activation.hpp"
#include "initscope/rng.hpp"

using namespace initscope;

namespace {

const std::vector<Activation>& kAll = testing::kAllActivations;

// Inputs: a grid over [-6, 6] that avoids 0 exactly (the kink is tested on its own), plus values
// in the tails where exp/erf saturate.
std::vector<float> grid() {
  std::vector<float> x;
  for (int i = -600; i <= 600; ++i) {
    if (i != 0) x.push_back(static_cast<float>(i) / 100.0f + 0.003f);
  }
  for (float v : {-30.f, -15.f, -9.f, 9.f, 15.f, 30.f, 1e-6f, -1e-6f}) x.push_back(v);
  return x;
}

// Float kernels vs the double form: a float implementation evaluates a handful of float
// operations and one pmath.hpp call (each <= 1-4 ulp) on intermediates no larger than about
// max(1, |x|) (gelu's 1 + erf(x/sqrt2) and selu's exp(x) - 1 are the largest), so its absolute
// error is a few float epsilons times max(1, |x|). 8 eps leaves headroom for the cancellation in
// 1 + erf near the left tail while still catching a wrong constant (selu's scale differs from 1 by
// 5%, an erf vs tanh-approximate gelu by up to 5e-4).
double float_kernel_tol(double x) { return 8 * FLT_EPSILON * std::max(1.0, std::fabs(x)); }

}  // namespace

TEST_CASE("activate_scalar and derivative_scalar: closed forms and their derivatives",
          "[activation]") {
  const double a = 0.2;
  for (Activation act : kAll) {
    DYNAMIC_SECTION(to_string(act)) {
      for (double x : {-7.5, -3.0, -1.0, -0.25, 0.1, 0.5, 1.0, 2.5, 8.0}) {
        INFO("x = " << x);
        // Closed forms in double agree to a few double ulps (different but equivalent formulas).
        CHECK(activate_scalar(act, a, x) ==
              Approx(testing::act_ref(act, a, x)).epsilon(1e-12).margin(1e-15));
        // Central difference of the closed form, h = 1e-5: truncation h^2 |f'''| / 6 <= 1e-10
        // (|f'''| <= 6 for every activation here away from 0) plus rounding eps_d |f| / h ~ 1e-11
        // -> 1e-8 absolute is loose by 100x yet catches any wrong derivative formula.
        const double h = 1e-5;
        const double fd =
            (testing::act_ref(act, a, x + h) - testing::act_ref(act, a, x - h)) / (2 * h);
        CHECK(derivative_scalar(act, a, x) == Approx(fd).margin(1e-8));
      }
    }
  }
  SECTION("slope, selu constants and sigmoid symmetry") {
    CHECK(activate_scalar(Activation::leaky_relu, 0.3, -2.0) == Approx(-0.6).epsilon(1e-15));
    CHECK(derivative_scalar(Activation::leaky_relu, 0.3, -2.0) == Approx(0.3).epsilon(1e-15));
    // SELU: lambda and lambda * alpha (Klambauer et al. 2017, eq. 2).
    CHECK(derivative_scalar(Activation::selu, 0, 1.0) == Approx(1.0507009873554805).epsilon(1e-15));
    CHECK(activate_scalar(Activation::selu, 0, -50.0) ==
          Approx(-1.7580993408473766).epsilon(1e-14));
    CHECK(activate_scalar(Activation::sigmoid, 0, 0.0) == 0.5);
    CHECK(derivative_scalar(Activation::sigmoid, 0, 0.0) == Approx(0.25).epsilon(1e-15));
    CHECK(derivative_scalar(Activation::tanh, 0, 0.0) == Approx(1.0).epsilon(1e-15));
    CHECK(derivative_scalar(Activation::gelu, 0, 0.0) == Approx(0.5).epsilon(1e-15));
  }
}

TEST_CASE("activate: float kernel matches activate_scalar for every activation", "[activation]") {
  const std::vector<float> x = grid();
  const float slope = 0.2f;
  for (Activation act : kAll) {
    DYNAMIC_SECTION(to_string(act)) {
      std::vector<float> y(x.size(), NAN);
      activate(act, slope, x.data(), y.data(), x.size());
      bool finite = true;
      double worst = 0;
      std::size_t bad = 0, worst_i = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        finite = finite && std::isfinite(y[i]);
        const double ref = activate_scalar(act, slope, x[i]);
        const double err = std::fabs(y[i] - ref) / float_kernel_tol(x[i]);
        if (err > 1) ++bad;
        if (err > worst) worst = err, worst_i = i;
      }
      INFO("worst at x = " << x[worst_i] << ": " << worst << " x tolerance; " << bad << " bad");
      CHECK(finite);
      CHECK(bad == 0u);
    }
  }
  SECTION("in place (post aliases pre) gives the same result") {
    std::vector<float> y(x.size()), z = x;
    activate(Activation::gelu, slope, x.data(), y.data(), x.size());
    activate(Activation::gelu, slope, z.data(), z.data(), z.size());
    CHECK(testing::same_bits(y.data(), z.data(), x.size()));
  }
}

TEST_CASE("activate_backward: float kernel is grad_post * derivative_scalar", "[activation]") {
  const std::vector<float> x = grid();
  std::vector<float> g(x.size());
  Rng rng(3, stream::kSample);
  for (auto& v : g) v = static_cast<float>(rng.normal());
  const float slope = 0.2f;
  for (Activation act : kAll) {
    DYNAMIC_SECTION(to_string(act)) {
      std::vector<float> out(x.size(), NAN);
      activate_backward(act, slope, x.data(), g.data(), out.data(), x.size());
      std::vector<double> ref(x.size());
      std::vector<double> tol(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        ref[i] = g[i] * derivative_scalar(act, slope, x[i]);
        // Derivatives are <= 1.1 in magnitude here; same float error argument as activate,
        // scaled by |grad|.
        tol[i] = float_kernel_tol(1.0) * std::fabs(g[i]);
      }
      std::size_t bad = 0;
      for (std::size_t i = 0; i < x.size(); ++i) bad += !(std::fabs(out[i] - ref[i]) <= tol[i]);
      CHECK(bad == 0u);
      SECTION("grad_pre may alias grad_post") {
        std::vector<float> inplace = g;
        activate_backward(act, slope, x.data(), inplace.data(), inplace.data(), x.size());
        CHECK(testing::same_bits(inplace.data(), out.data(), x.size()));
      }
      SECTION("given the forward's outputs (the trainer's form), in place too") {
        std::vector<float> post(x.size());
        activate(act, slope, x.data(), post.data(), x.size());
        std::vector<float> from_post = g;
        activate_backward(act, slope, x.data(), post.data(), from_post.data(), from_post.data(),
                          x.size());
        // tanh and sigmoid take f' from the float y = f(x): 1 - y^2 and y (1 - y) move by at
        // most 2|y| * (half a float ulp of y) <= FLT_EPSILON, inside the tolerance above. The
        // other activations ignore post and must give the same bits as without it.
        std::size_t off = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
          off += !(std::fabs(from_post[i] - ref[i]) <= tol[i]);
        CHECK(off == 0u);
        if (act != Activation::tanh && act != Activation::sigmoid)
          CHECK(testing::same_bits(from_post.data(), out.data(), x.size()));
      }
    }
  }
  SECTION("at the kink x = 0 the kernel and the scalar form agree") {
    for (Activation act : {Activation::relu, Activation::leaky_relu}) {
      const float zero = 0.0f, one = 1.0f;
      float out = NAN;
      activate_backward(act, slope, &zero, &one, &out, 1);
      CHECK(out == Approx(derivative_scalar(act, slope, 0.0)).margin(1e-7));
    }
  }
}

TEST_CASE("post_second_moment: exact for relu, leaky_relu and linear", "[activation]") {
  // E[relu(y)^2] = var/2 (half the Gaussian mass, symmetric); leaky adds a^2 var/2 from the
  // negative half; linear is var itself.
  for (double var : {1e-6, 0.5, 1.0, 3.7, 250.0}) {
    INFO("var " << var);
    CHECK(post_second_moment(Activation::relu, 0.01, var) == Approx(var / 2).epsilon(1e-14));
    CHECK(post_second_moment(Activation::leaky_relu, 0.3, var) ==
          Approx((1 + 0.09) / 2 * var).epsilon(1e-14));
    CHECK(post_second_moment(Activation::linear, 0.01, var) == var);
  }
  CHECK(theory_is_exact(Activation::relu));
  CHECK(theory_is_exact(Activation::leaky_relu));
  CHECK(theory_is_exact(Activation::linear));
  for (Activation act :
       {Activation::tanh, Activation::sigmoid, Activation::selu, Activation::gelu}) {
    CHECK_FALSE(theory_is_exact(act));
  }
}

TEST_CASE("post_second_moment: Gaussian integral for tanh, sigmoid, selu, gelu vs Monte Carlo",
          "[activation]") {
  // Monte Carlo with n = 2^19 normal draws: the estimate of E[f(y)^2] has SE = sd(f(y)^2)/sqrt(n)
  // (the sample sd is used), and the quadrature is accurate to far below that, so the two agree
  // within 5 SE. A wrong variance scaling (var vs std) or a missing square is off by tens of SE.
  const std::size_t n = 1 << 19;
  Rng rng(17, stream::kSample);
  std::vector<double> z(n);
  for (auto& v : z) v = rng.normal();
  for (Activation act :
       {Activation::tanh, Activation::sigmoid, Activation::selu, Activation::gelu}) {
    for (double var : {0.1, 1.0, 4.0}) {
      DYNAMIC_SECTION(to_string(act) << " var " << var) {
        std::vector<double> f2(n);
        const double s = std::sqrt(var);
        for (std::size_t i = 0; i < n; ++i) {
          const double f = testing::act_ref(act, 0.01, s * z[i]);
          f2[i] = f * f;
        }
        const auto m = testing::moments(f2);
        const double se = std::sqrt(m.var / n);
        const double q = post_second_moment(act, 0.01, var);
        INFO("quadrature " << q << ", Monte Carlo " << m.mean << " +- " << se);
        CHECK(std::fabs(q - m.mean) <= 5 * se);
      }
    }
  }
}
