// initscope/init.hpp: weight initializers, as plain functions of (shape, parameters, engine).
//
// Semantics follow PyTorch's torch.nn.init (see shared spec/initializers.md); weights have shape
// [fan_out][fan_in]. Values are drawn row-major, one draw per element (the normal transform
// yields pairs, consumed in order), always in double and rounded once to float.
#pragma once
#include <cstddef>
#include <optional>

#include "initscope/config.hpp"
#include "initscope/rng.hpp"
#include "initscope/tensor.hpp"

namespace initscope {

// reference: torch.nn.init.calculate_gain. linear 1, sigmoid 1, tanh 5/3, relu sqrt(2),
// leaky_relu sqrt(2 / (1 + a^2)), selu 3/4; gelu has none (ConfigError naming "gain").
double calculate_gain(Activation activation, double leaky_slope);

// The gain an initializer uses under a config: GainMode::Value -> config.gain; Auto ->
// calculate_gain(activation); Default -> He: sqrt(2 / (1 + a^2)) with a = leaky_slope when the
// activation is leaky_relu and 0 otherwise (PReLU form of He et al. 2015), everything else 1.
double resolve_gain(Init init, const Config& config);

// Zero-size shapes throw ConfigError ("fanIn" / "fanOut").
void check_shape(std::size_t fan_out, std::size_t fan_in);

Matrix zeros(std::size_t fan_out, std::size_t fan_in);
Matrix constant(std::size_t fan_out, std::size_t fan_in, double value);
// U(-a, a)
Matrix uniform(std::size_t fan_out, std::size_t fan_in, double a, Rng& rng);
// N(0, std^2)
Matrix normal(std::size_t fan_out, std::size_t fan_in, double std, Rng& rng);
// N(0, std^2) resampled until |x| <= 2 std (Keras TruncatedNormal cut); std is the std before
// truncation
Matrix truncated_normal(std::size_t fan_out, std::size_t fan_in, double std, Rng& rng);
// reference: Glorot & Bengio 2010, eq. 16; a = gain * sqrt(6 / (fan_in + fan_out))
Matrix xavier_uniform(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng);
// s = gain * sqrt(2 / (fan_in + fan_out)), untruncated (PyTorch xavier_normal_)
Matrix xavier_normal(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng);
// reference: He et al. 2015, eq. 10; b = sqrt(3) * gain / sqrt(fan)
Matrix he_uniform(std::size_t fan_out, std::size_t fan_in, double gain, FanMode mode, Rng& rng);
// s = gain / sqrt(fan), untruncated (PyTorch kaiming_normal_)
Matrix he_normal(std::size_t fan_out, std::size_t fan_in, double gain, FanMode mode, Rng& rng);
// reference: LeCun et al. 1998 "Efficient BackProp"; b = gain * sqrt(3 / fan_in)
Matrix lecun_uniform(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng);
// s = gain / sqrt(fan_in)
Matrix lecun_normal(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng);
// reference: Saxe et al. 2013; PyTorch orthogonal_: QR of a Gaussian matrix with the sign fix
// (Mezzadri 2007) so Q is Haar-distributed; times gain.
Matrix orthogonal(std::size_t fan_out, std::size_t fan_in, double gain, Rng& rng);
// nn.Linear default: kaiming_uniform_(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in))
Matrix pytorch_default(std::size_t fan_out, std::size_t fan_in, Rng& rng);
// nn.Linear default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
Vector pytorch_default_bias(std::size_t fan_out, std::size_t fan_in, Rng& rng);

// Dispatch by id with the config's parameters (gain via resolve_gain, fan mode, value, std,
// bound). Init::mean_field draws N(0, weightVar / fan_in) (gain does not apply). Init::lsuv draws
// orthogonal(gain 1) here; the data-driven rescale is lsuv_rescale in mlp.hpp, which needs a batch.
Matrix init_weights(Init init, std::size_t fan_out, std::size_t fan_in, const Config& config,
                    Rng& rng);
// Zeros except pytorch_default (U(+-1/sqrt(fan_in))) and, when config.bias_var > 0, mean_field
// and orthogonal (N(0, biasVar)).
Vector init_bias(Init init, std::size_t fan_out, std::size_t fan_in, const Config& config,
                 Rng& rng);

// The scale an initializer draws with under a config (spec/initializers.md's table): the std of
// the normal ones (truncated_normal: before truncation) and the bound of the uniform ones
// (truncated_normal: its cut, 2 std). Empty where none applies (zeros, constant, orthogonal,
// lsuv). The generators above use the same formulas, so this is what they drew with.
struct InitScale {
  std::optional<double> std, bound;
};
InitScale init_scale(Init init, std::size_t fan_out, std::size_t fan_in, const Config& config);

// The variance of one weight element under the initializer (not a sample estimate); NaN for
// lsuv (data-driven). Used for the theory line.
double nominal_weight_variance(Init init, std::size_t fan_out, std::size_t fan_in,
                               const Config& config);
// Variance of one bias element at initialization (pytorch_default: 1 / (3 fan_in); mean_field
// and orthogonal: biasVar; else 0).
double nominal_bias_variance(Init init, std::size_t fan_in, const Config& config);

}  // namespace initscope
