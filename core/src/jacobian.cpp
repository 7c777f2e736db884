// jacobian.cpp: Run::jacobian_spectrum(), the singular values of the input-output Jacobian of
// the hidden stack (run.hpp). Eigen does the SVD; it is kept to this one file so the rest of the
// core compiles without it.
//
//   J = d h_last / d h_first = W_last D_{last-1} ... W_{first+1} D_first,  D_l = diag(phi'(h_l))
//   (h_l: layer l's pre-activations, W_l: [fan_out][fan_in]).
#include <Eigen/Dense>
#include <Eigen/SVD>
#include <algorithm>
#include <string>

#include "initscope/activation.hpp"
#include "initscope/meanfield.hpp"
#include "initscope/run.hpp"

namespace initscope {

JacobianSpectrum Run::jacobian_spectrum() {
  if (net_.residual() || !net_.norms.empty())
    throw ConfigError(
        "architecture",
        quote(net_.residual() ? "residual"
                              : std::string("plain with norm ") + to_string(config_.norm)),
        "a plain net without norm for jacobianSpectrum (the product of layer "
        "Jacobians it computes has no skip or norm terms)");
  JacobianSpectrum out;
  const std::size_t hidden = net_.num_layers() - 1;  // the last weight layer is the output
  out.first_layer = 0;
  out.last_layer = static_cast<int>(hidden) - 1;
  const std::size_t n_first = net_.layers.front().fan_out();

  const std::size_t n_last = net_.layers[hidden - 1].fan_out();
  double work = 0;
  for (std::size_t l = 1; l < hidden; ++l)
    work += static_cast<double>(net_.layers[l].fan_out()) * net_.layers[l].fan_in();
  work *= static_cast<double>(n_first);
  // The SVD of an m x n matrix: about 10 m n min(m, n) (none for one hidden layer: J = I).
  if (hidden > 1) work += 10.0 * static_cast<double>(n_first) * n_last * std::min(n_first, n_last);
  if (work > kMaxJacobianWork)
    throw ConfigError("hidden", "a stack needing " + format_number(work) + " multiply-adds",
                      "at most " + format_number(kMaxJacobianWork) +
                          " per input for jacobianSpectrum (fewer or narrower layers)");

  // The theory: prod over the layers crossed of n_{l+1} Var[w_{l+1}] E[phi'(h_l)^2].
  out.theory_mean_squared = 1.0;
  for (std::size_t l = 0; l + 1 < hidden; ++l)
    out.theory_mean_squared *= static_cast<double>(net_.layers[l + 1].fan_out()) *
                               weight_var_[l + 1] *
                               gauss_dphi_sq(net_.activation, net_.leaky_slope, theory_[l]);

  const std::size_t inputs = std::min<std::size_t>(
      kJacobianInputs, std::min<std::size_t>(eval_ws_.capacity, data_.y_train.size()));
  net_.forward(data_.x_train.data(), inputs, eval_ws_);
  using Mat = Eigen::MatrixXd;
  double total = 0;
  for (std::size_t r = 0; r < inputs; ++r) {
    Mat J = Mat::Identity(static_cast<Eigen::Index>(n_first), static_cast<Eigen::Index>(n_first));
    for (std::size_t l = 0; l + 1 < hidden; ++l) {
      const Layer& next = net_.layers[l + 1];
      const std::size_t I = next.fan_in(), O = next.fan_out();
      const float* pre = eval_ws_.pre[l].data() + r * I;
      // J <- W_{l+1} diag(phi'(h_l)) J
      for (std::size_t i = 0; i < I; ++i)
        J.row(static_cast<Eigen::Index>(i)) *=
            derivative_scalar(net_.activation, net_.leaky_slope, pre[i]);
      const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
          W(next.W.data(), static_cast<Eigen::Index>(O), static_cast<Eigen::Index>(I));
      J = W.cast<double>() * J;
      if (next.multiplier != 1.f) J *= static_cast<double>(next.multiplier);  // effective m W
    }
    std::vector<double> values(n_first, 1.0);  // one hidden layer: J = I
    if (hidden > 1) {
      // JacobiSVD, not BDCSVD: as accurate for the small singular values, fast enough at the widths
      // the work cap allows, and ~290 KB less code in the wasm than the divide-and-conquer solver.
      Eigen::JacobiSVD<Mat> svd(J);
      const Eigen::VectorXd s = svd.singularValues();  // descending
      values.assign(s.data(), s.data() + s.size());
    }
    double sum = 0;
    for (double v : values) sum += v * v;
    total += sum / static_cast<double>(n_first);
    out.singular_values.push_back(std::move(values));
  }
  out.mean_squared = inputs ? total / static_cast<double>(inputs) : 0.0;
  return out;
}

}  // namespace initscope
