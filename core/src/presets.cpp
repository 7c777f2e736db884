// presets.cpp: the ready-made experiments (presets.hpp). Every sentence with a number in it is
// checked by tests/native/test_presets.cpp over 5 seeds; keep the two in step.
#include "initscope/presets.hpp"

#include <cmath>

#include "initscope/coordcheck.hpp"
#include "initscope/meanfield.hpp"
#include "initscope/sweep.hpp"

namespace initscope {

namespace {

// The page's starting experiment (web/js/state.js DEFAULTS): 10 ReLU layers of 64 on the spiral,
// SGD at 0.05 in batches of 32. Presets start from it and change what their paper changes.
Config page_base() {
  Config c;
  c.hidden = std::vector<int>(10, 64);
  c.learning_rate = 0.05;
  return c;
}

// Signal-propagation presets feed 64-D standard normal inputs, so every layer (the first
// included) has fan_in 64 and the input variance is 1.
Config gaussian_base(int width, int depth) {
  Config c = page_base();
  c.dataset = DatasetKind::gaussian_nd;
  c.input_dim = width;
  c.hidden = std::vector<int>(depth, width);
  return c;
}

Preset make(const char* id, const char* chapter, const char* label, const char* source,
            const char* what, const char* watch, Config config, std::vector<Init> inits) {
  config.init = inits.front();
  Preset p;
  p.id = id;
  p.chapter = chapter;
  p.label = label;
  p.source = source;
  p.what = what;
  p.watch = watch;
  p.config = std::move(config);
  p.inits = std::move(inits);
  return p;
}

std::vector<FieldValue> numbers(const std::vector<double>& v) {
  std::vector<FieldValue> out;
  for (double x : v) out.push_back(FieldValue::of(x));
  return out;
}
std::vector<FieldValue> words(const std::vector<std::string>& v) {
  std::vector<FieldValue> out;
  for (const std::string& x : v) out.push_back(FieldValue::of(x));
  return out;
}

std::vector<Preset> build() {
  std::vector<Preset> out;

  // -- Symmetry ---------------------------------------------------------------------------------
  {
    Config c = page_base();
    c.hidden = {16, 16, 16};
    c.learning_rate = 0.1;
    out.push_back(
        make("symmetry", "Symmetry", "Zero and constant init: symmetry",
             "Goodfellow, Bengio & Courville 2016, Deep Learning, section 8.4 (breaking symmetry)",
             "Every unit of a layer starts identical: same output, same gradient, so they stay "
             "identical forever.",
             "Zeros: hidden gradients are exactly 0; the loss starts at ln 2 ≈ 0.693 and never "
             "drops below the label entropy (only the output bias learns). Constant: every hidden "
             "layer stays symmetric (badge); He's units differ.",
             c, {Init::zeros, Init::constant, Init::he_normal}));
  }

  // -- Variance ---------------------------------------------------------------------------------
  out.push_back(
      make("default", "Variance", "He vs Xavier vs zero (10×64 ReLU)",
           "He et al. 2015, eq. 10 (He) vs Glorot & Bengio 2010, eq. 16 (Xavier)",
           "Same network, same data, same seed; only the initial weights differ.",
           "Variance: He stays flat, Xavier halves per ReLU layer, zero is stuck at 0 and its loss "
           "never drops below the label entropy (≈ ln 2).",
           page_base(), {Init::he_normal, Init::xavier_normal, Init::zeros}));
  {
    Config c = gaussian_base(64, 10);
    c.init_std = 1.0;
    out.push_back(make(
        "scale", "Variance", "Too small, too large: N(0, 0.01²) vs N(0, 1) vs He",
        "LeCun et al. 1998, Efficient BackProp, section 4.6; He et al. 2015, eq. 10",
        "10 ReLU layers of 64: weights N(0, 0.01²), N(0, 1) and He's N(0, 2/64). Only the "
        "scale differs.",
        "Per layer the variance is multiplied by 64·Var[w]/2: 0.0032 (vanishes), 32 (explodes) "
        "and 1 (He). The gradients shrink and grow the same way; N(0, 1) diverges within 2 "
        "updates.",
        c, {Init::small_normal, Init::normal, Init::he_normal}));
  }
  {
    Config c = page_base();
    c.hidden = std::vector<int>(30, 64);
    c.learning_rate = 0.01;
    out.push_back(make(
        "he2015", "Variance", "He et al. 2015: 30-layer ReLU",
        "He et al. 2015, Delving Deep into Rectifiers, section 2.2 and fig. 3",
        "He et al. 2015, fig. 3: a 30-layer ReLU net with Var[w] = 2/fan_in vs 1/fan_in "
        "(\"Xavier\" in the paper).",
        "With 1/fan_in the variance halves at every layer (layer 30 ≈ 2⁻²⁹ of layer 1) and for "
        "500 updates the loss stays at the label entropy ≈ ln 2; He's stays flat and learns.",
        c, {Init::he_normal, Init::lecun_normal}));
  }

  // -- Saturating activations -------------------------------------------------------------------
  {
    Config c = page_base();
    c.hidden = std::vector<int>(8, 64);
    c.activation = Activation::tanh;
    out.push_back(
        make("glorot2010", "Saturating activations", "Glorot & Bengio 2010: tanh",
             "Glorot & Bengio 2010, eq. 1 (standard) and eq. 16 (normalized), fig. 6",
             "Glorot & Bengio 2010: \"standard\" U(±1/√n) init (PyTorch's default) vs their "
             "normalized (Xavier) init, tanh.",
             "Standard init loses over 10× in variance from layer 1 to 8 and its gradient shrinks "
             "~1/3 per layer towards layer 1; Xavier keeps both within a factor 4.",
             c, {Init::pytorch_default, Init::xavier_uniform}));
  }
  {
    Config c = page_base();
    c.activation = Activation::sigmoid;
    c.learning_rate = 0.1;
    out.push_back(make(
        "sigmoid", "Saturating activations", "Sigmoid: vanishing gradients",
        "Glorot & Bengio 2010, section 3.1 and fig. 2",
        "Sigmoid is not zero-centred and its slope is at most 1/4.",
        "Gradient chart: the variance falls at every layer towards the input whatever the init; "
        "after 200 updates no run beats a constant guess.",
        c, {Init::xavier_normal, Init::he_normal, Init::small_normal}));
  }
  {
    Config c = gaussian_base(64, 10);
    c.activation = Activation::sigmoid;
    c.learning_rate = 0.1;
    c.init_std = std::sqrt(3.6 / 64);  // reference: Kumar 2017, eq. 10: Var[w] = 3.6 / fan_in
    out.push_back(
        make("kumar2017", "Saturating activations", "Kumar 2017: sigmoid with 3.6/fan_in",
             "Kumar 2017, On weight initialization in deep neural networks, section 4 (eq. 10)",
             "Sigmoid layers of 64 with Var[w] = 3.6/fan_in (N(0, 0.237²)) vs LeCun's 1/fan_in.",
             "3.6/fan_in holds the pre-activation variance near 1 from layer 2 on (1/fan_in: near "
             "0.27), yet the gradient still shrinks ~6× per layer towards the input (1/fan_in: "
             "~18×): sigmoid' ≤ 1/4.",
             c, {Init::normal, Init::lecun_normal}));
  }

  // -- Depth ------------------------------------------------------------------------------------
  {
    Config c = page_base();
    c.hidden = std::vector<int>(30, 32);
    c.activation = Activation::linear;
    c.dataset = DatasetKind::moons;
    c.learning_rate = 0.01;
    out.push_back(make(
        "saxe", "Depth", "Saxe et al. 2013: deep linear, orthogonal",
        "Saxe, McClelland & Ganguli 2013, section 3 (orthogonal initial conditions)",
        "Saxe et al. 2013: a 30-layer linear net. Orthogonal weights keep every singular value "
        "of the product at 1.",
        "Orthogonal sits on the theory line at every layer (to 0.1%); Gaussian (Xavier) only "
        "on average: its line wanders, 1.2× off or more somewhere.",
        c, {Init::orthogonal, Init::xavier_normal}));
  }
  {
    Config c = page_base();
    c.hidden = std::vector<int>(20, 64);
    c.activation = Activation::tanh;
    out.push_back(make(
        "lsuv", "Depth", "LSUV (Mishkin & Matas 2015)",
        "Mishkin & Matas 2015, All you need is a good init, algorithm 1",
        "LSUV: orthogonal init, then each layer rescaled on a batch until its output variance "
        "is 1.",
        "At step 0 LSUV's variance is 1 (±0.1) at every layer; orthogonal keeps the small input "
        "variance (losing ~20% over 20 tanh layers). After 200 updates LSUV's loss is below "
        "orthogonal's.",
        c, {Init::lsuv, Init::orthogonal, Init::he_normal}));
  }

  // -- Theory -----------------------------------------------------------------------------------
  {
    // reference: Schoenholz et al. 2017, fig. 1: tanh at sigma_b^2 = 0.05 is critical at
    // sigma_w^2 ~ 1.76 (computed here to 1e-12 by the mean-field module, not copied).
    const double critical = critical_weight_var(Activation::tanh, 0.01, 0.05);
    Config c = gaussian_base(64, 30);
    c.activation = Activation::tanh;
    c.bias_var = 0.05;
    c.learning_rate = 0.01;
    Preset p = make(
        "edge_of_chaos", "Theory", "Schoenholz et al. 2017: the edge of chaos (tanh)",
        "Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, Deep information propagation, "
        "fig. 1 and eq. 5 (chi_1)",
        "30 tanh layers, W ~ N(0, σ_w²/64), b ~ N(0, 0.05): σ_w² = 1 (ordered), 1.76 "
        "(critical, χ₁ = 1) and 3 (chaotic).",
        "Gradient chart: per layer the gradient variance is multiplied by χ₁ = 0.76 (vanishes), "
        "1.00 (flat) and 1.21 (explodes). Two inputs' correlation by layer 30: 1 when ordered "
        "(every input looks alike), ~0.3 when chaotic, in between at the edge.",
        c, {Init::mean_field, Init::mean_field, Init::mean_field});
    p.per_run = {{"weightVar", numbers({1.0, critical, 3.0})}};
    out.push_back(p);
  }
  {
    // reference: Pennington, Schoenholz & Ganguli 2017, fig. 4: tanh at criticality with a
    // small sigma_b^2 (small q*), orthogonal vs Gaussian weights.
    const double bias_var = 0.001;
    const double critical = critical_weight_var(Activation::tanh, 0.01, bias_var);
    Config c = gaussian_base(64, 64);
    c.activation = Activation::tanh;
    c.bias_var = bias_var;
    c.gain_mode = GainMode::Value;  // orthogonal's scale: sigma_w^2 = gain^2
    c.gain = std::sqrt(critical);
    c.learning_rate = 0.01;
    Preset p =
        make("isometry", "Theory", "Pennington et al. 2017: dynamical isometry",
             "Pennington, Schoenholz & Ganguli 2017, Resurrecting the sigmoid in deep learning "
             "through dynamical isometry, fig. 4",
             "64 tanh layers at the edge of chaos (σ_b² = 0.001, σ_w² = 1.19): orthogonal vs "
             "Gaussian weights with the same variance.",
             "Same variance, same mean-field prediction for the input-output Jacobian, but "
             "Gaussian's singular values collapse (median below 10⁻⁹: the map is nearly "
             "rank-deficient) while orthogonal's median stays near 0.1.",
             c, {Init::orthogonal, Init::mean_field});
    // mean_field's sigma_w^2; orthogonal reads the gain and keeps the default (unused) 1.
    p.per_run = {{"weightVar", numbers({1.0, critical})}};
    out.push_back(p);
  }
  {
    // reference: Schoenholz et al. 2017, fig. 5-6: deep tanh nets train where depth is below
    // about 6 xi_c, a band around the critical sigma_w^2 that narrows with depth. 13 x 10 cells
    // of 32-wide tanh nets on 64-D Gaussian data, 300 SGD updates each: 35 s natively on two
    // cores, 42-44 s in the page's pool (bench/README.md). The numbers in `watch` are tested (5
    // seeds).
    Config c = gaussian_base(32, 10);
    c.input_dim = 64;  // 64-D inputs (the others' 32 left the deep chaotic cells noisier)
    c.activation = Activation::tanh;
    c.bias_var = 0.05;
    c.weight_var = critical_weight_var(Activation::tanh, 0.01, c.bias_var);
    c.learning_rate = 0.01;
    Preset p = make(
        "edge_of_chaos_sweep", "Theory", "Schoenholz et al. 2017: where deep tanh nets train",
        "Schoenholz, Gilmer, Ganguli & Sohl-Dickstein 2017, Deep information propagation, fig. 5-6",
        "A map, not a race: 130 tanh networks (σ_w² from 1 to 4, depth 10 to 100, σ_b² = 0.05), "
        "each trained for 300 updates; the colour is its training accuracy. Press Start.",
        "A bright band stands on the critical line (σ_w² ≈ 1.76) and narrows with depth: at "
        "depth 50, σ_w² = 1.75 still trains (accuracy above 0.6) while σ_w² = 1 (ordered) and "
        "σ_w² = 4 (chaotic) stay at chance. The band stays under the curve 6 ξ_c (the dashed "
        "line is the critical σ_w²).",
        c, {Init::mean_field});
    p.sweep = {"weightVar=1:4:13", "depth=10:100:10", 300, 1, "trainAccuracy", ""};
    out.push_back(p);
  }

  // -- Width ------------------------------------------------------------------------------------
  {
    // reference: Yang et al. 2022 (Tensor Programs V), the MLP learning-rate transfer figure:
    // under sp the best learning rate falls as the net widens, under mup it stays put. Measured
    // first (README "Learning-rate transfer"): 2 hidden ReLU layers of 64, 128 and 256 on
    // Fashion-MNIST's 784-D images (5400 to train), Adam in batches of 64, 300 updates, log2
    // learning rates -12..-6. A cell's final training loss scatters over seeds by about as much
    // as mup's curves differ between neighbouring rates near their flat minimum, so the claim is
    // on the mean over the preset's seeds, and its best rate is the vertex of the parabola
    // through the lowest grid point and its two neighbours (tests/native/test_presets.cpp).
    Config c = page_base();
    c.dataset = DatasetKind::fashion_mnist;
    c.samples = 6000;
    c.test_fraction = 0.1;
    c.hidden = {64, 64};
    c.optimizer = Optimizer::adam;
    c.batch_size = 64;
    c.learning_rate = 0.001953125;  // 2^-9 (each cell sets its own)
    c.base_width = 64;              // mup equals sp at the narrowest width
    Preset p = make(
        "mup_transfer", "Width", "Tensor Programs V: the best learning rate across width",
        "Yang, Hu, Babuschkin, Sidor, Liu, Farhi, Ryder, Pachocki, Chen & Gao 2022, Tensor "
        "Programs V (muTransfer), the MLP learning-rate figure",
        "Learning-rate transfer: ReLU nets of 2 hidden layers of width 64, 128 and 256 on "
        "Fashion-MNIST, Adam, 300 updates at each log2 learning rate from -12 to -6, in the "
        "standard parametrization (sp, left) and in muP (mup, right). Each curve is one width's "
        "final training loss, the mean over 6 seeds. Press Start.",
        "A curve's best log2 learning rate is the tick under it (the vertex of the parabola "
        "through its lowest point and their neighbours). Under sp it moves down by 1 or more "
        "from width 64 to 256; under mup it moves by 0.5 or less.",
        c, {Init::he_normal});
    p.sweep = {
        "learningRate=0.000244140625,0.00048828125,0.0009765625,0.001953125,0.00390625,"
        "0.0078125,0.015625",
        "width=64,128,256",
        300,
        6,
        "trainLoss",
        "parametrization=sp,mup"};
    out.push_back(p);
  }

  // -- Width ------------------------------------------------------------------------------------
  {
    // reference: Yang et al. 2022 (Tensor Programs V), fig. 5 / mup's coord_check.py;
    // spec/parametrizations.md. The check's own run defaults (coord_default_base: gaussians,
    // SGD at 0.001), 3 ReLU layers, widths 128..1024 (2048 breaks the page's parameter cap at
    // this depth), 6 seeds: with 3 the mean's noise moved mup's slopes by up to 0.2 between
    // base seeds. The slopes in `watch` are tested over 5 base seeds in test_presets.cpp.
    Config c = coord_default_base();
    c.hidden = {128, 128, 128};
    Preset p = make(
        "coordcheck_sp_vs_mup", "Width", "Coordinate check: SP vs μP",
        "Yang, Hu et al. 2022, Tensor Programs V (μTransfer), fig. 5; mup's coord_check.py",
        "The same 3-layer ReLU network at widths 128 to 1024, trained 3 SGD updates on one fixed "
        "batch, 6 seeds per width, under the standard parametrization (SP) and under μP. Open "
        "the Width tab and press Run check.",
        "How far each layer moved, against the width (log-log). Under SP the logits' change "
        "grows like the width (slope about 1: 0.8 to 1.3) and layers 2 and 3 about like its "
        "square root; under μP every line is flat (every slope within ±0.2), so a learning rate "
        "tuned on a narrow μP net still fits a wide one.",
        c, {Init::he_normal});
    p.coordcheck = {{Parametrization::sp, Parametrization::mup}, {128, 256, 512, 1024}, 3, 6};
    out.push_back(p);
  }
  {
    // reference: Yang & Hu 2021 (Tensor Programs IV), sec. 3 and fig. 1: NTK's hidden features
    // stop moving as width grows (the kernel regime), muP's keep learning. The same check as
    // coordcheck_sp_vs_mup with ntk in place of sp; tested over 5 base seeds in
    // test_presets.cpp (measured: NTK layers 2-3 -0.55..-0.40, muP -0.02..0.05, ratio 15-30).
    Config c = coord_default_base();
    c.hidden = {128, 128, 128};
    // Its runs (the Training tab) are NTK's, so they differ from coordcheck_sp_vs_mup's: the
    // menu tells two presets apart by their runs.
    c.parametrization = Parametrization::ntk;
    Preset p = make(
        "ntk_lazy", "Width", "Coordinate check: NTK is lazy, μP learns features",
        "Yang & Hu 2021, Tensor Programs IV (feature learning in infinite-width networks), fig. 1",
        "The same 3-layer ReLU network at widths 128 to 1024, 3 SGD updates on one fixed batch, "
        "6 seeds per width, under the NTK parametrization and under μP. Open the Width tab and "
        "press Run check.",
        "Under NTK the hidden layers' change shrinks like 1/√width (slope about −0.5: between "
        "−0.7 and −0.3): a wide NTK net barely moves its features (lazy training). Under μP they "
        "stay flat (within ±0.2): at width 1024, after three updates, μP's layers 2 and 3 have "
        "moved more than 10 times as far as NTK's.",
        c, {Init::he_normal});
    p.coordcheck = {{Parametrization::ntk, Parametrization::mup}, {128, 256, 512, 1024}, 3, 6};
    out.push_back(p);
  }

  // -- Depth today (spec/residual.md) -----------------------------------------------------------
  {
    // reference: spec/residual.md's three branch scalings, He normal in every run, 50 blocks.
    Config c = gaussian_base(64, 50);
    c.architecture = Architecture::residual;
    c.probe_size = 128;  // 50 blocks at width 64: the page's activation budget
    Preset p =
        make("residual_scaling", "Depth today", "Residual branches: α = 1 vs 1/√L vs ReZero",
             "He, Zhang, Ren & Sun 2016 (identity mappings); Radford et al. 2019 (GPT-2's 1/√L "
             "projections); Bachlechner et al. 2020 (ReZero); spec/residual.md",
             "50 residual blocks x ← x + α g f(x) of width 64, He normal in every run: α = 1, "
             "α = 1/√50, and ReZero (α = 1, a trained gate g starting at 0).",
             "Variance chart (the stream's mean square per block): with α = 1 it doubles at every "
             "block, 2⁵⁰ ≈ 10¹⁵ by block 50 (10¹⁴ to 10¹⁵ measured); with α = 1/√50 it grows only "
             "by (1 + 1/50)⁵⁰ ≈ e "
             "(2.8 measured); ReZero's gates are 0, so its stream stays exactly where the stem put "
             "it.",
             c, {Init::he_normal, Init::he_normal, Init::he_normal});
    p.per_run = {{"residualScale", words({"one", "inv_sqrt_depth", "one"})},
                 {"residualGate", words({"none", "none", "rezero"})}};
    out.push_back(p);
  }
  {
    Config c = gaussian_base(64, 10);
    c.architecture = Architecture::residual;
    out.push_back(make(
        "residual_gain", "Depth today", "Residual stream: the branch's gain sets the growth",
        "He, Zhang, Ren & Sun 2016 (identity mappings); spec/residual.md; Zhang, Dauphin & Ma "
        "2019 (Fixup)",
        "10 residual blocks x <- x + W φ(x) + b of width 64 (a linear stem, ReLU branches): He "
        "normal, Xavier normal and Fixup.",
        "Variance chart (the stream per block): He's mean square doubles at every block, 1 + c "
        "with c = 1, about 2¹⁰ = 1024x by block 10; Xavier's (c = 1/2) grows 1.5x per block, "
        "about 58x; Fixup's branches start at exactly 0, so the stream stays exactly where the "
        "stem put it.",
        c, {Init::he_normal, Init::xavier_normal, Init::fixup}));
  }
  {
    Config c = gaussian_base(64, 50);
    c.architecture = Architecture::residual;
    c.residual_scale = ResidualScale::inv_sqrt_depth;
    c.probe_size = 128;  // 50 blocks at width 64: the page's activation budget
    out.push_back(make(
        "residual_sqrt_depth", "Depth today", "Branches scaled by 1/√L: the stream stays near e",
        "Radford et al. 2019 (GPT-2's residual projections); Hayou et al. 2021; spec/residual.md",
        "50 residual blocks x <- x + α f(x) with α = 1/√50 (GPT-2 uses 1/√(2·layers)): He "
        "normal and Xavier normal.",
        "Variance chart: He's stream grows by about (1 + 1/50)⁵⁰ ≈ 2.69 ≈ e over 50 blocks "
        "(measured 2.8: the recursion q ← q (1 + α² c), dashed, is exact only for a stream "
        "symmetric about 0), not 2⁵⁰; Xavier's by about (1 + 1/100)⁵⁰ ≈ 1.64.",
        c, {Init::he_normal, Init::xavier_normal}));
  }
  {
    Config c = page_base();
    c.hidden = std::vector<int>(30, 64);
    c.architecture = Architecture::residual;
    out.push_back(make(
        "fixup", "Depth today", "Fixup: a deep residual net trains without a norm",
        "Zhang, Dauphin & Ma 2019, Fixup initialization, section 3; De & Smith 2020 (SkipInit)",
        "30 unscaled residual blocks (α = 1, no norm) on the spiral: He normal against Fixup "
        "(each branch's last layer and the readout start at 0, scalar multipliers and biases).",
        "He's stream grows by about 2³⁰ at initialization, so its logits are huge and the run "
        "diverges within 2 updates. Fixup starts with the stream unchanged by every block "
        "(exactly) and its loss falls below ln 2 from the first updates.",
        c, {Init::he_normal, Init::fixup}));
  }
  {
    // reference: Xiong et al. 2020, On layer normalization in the Transformer architecture,
    // section 3 (theorem 1, fig. 3): near the output post-LN's gradient is about L times pre-LN's
    // (in variance). Our blocks are MLP branches, not attention: the comparison is the paper's,
    // the profiles ours (pre-LN's shrinks towards the output, post-LN's is flat; the test's
    // comment derives both).
    Config c = gaussian_base(64, 20);
    c.architecture = Architecture::residual;
    c.norm = NormChoice::layer;
    Preset p = make(
        "pre_vs_post_ln", "Depth today", "Pre-LN vs post-LN: where the gradient is large",
        "Xiong, Yang, He, Zheng, Zheng, Xing, Zhang, Lan, Wang & Liu 2020, On layer "
        "normalization in the Transformer architecture, theorem 1 and fig. 3",
        "20 residual blocks of width 64 with LayerNorm, He normal in both: pre-LN (x + f(LN(x)), "
        "one LN before the readout) against post-LN (LN(x + f(x)) after every block).",
        "Variance chart: pre-LN's stream grows by about 1 per block (q = q₀ + B, about 22 "
        "by block 20), post-LN's is 1 after every block. Gradient chart: pre-LN's gradient "
        "shrinks towards the output (5 to 14x from block 1 to 20, about q₂₀/q₁), post-LN's "
        "stays flat, and at the last block post-LN's is about q₂₀ ≈ 20 times pre-LN's (16 to "
        "25 measured): Xiong et al.'s theorem 1, the large gradient near the output that makes "
        "post-LN need warm-up.",
        c, {Init::he_normal, Init::he_normal});
    p.per_run = {{"normPosition", words({"pre", "post"})}};
    out.push_back(p);
  }
  {
    Config c = gaussian_base(128, 20);
    c.norm = NormChoice::batch;
    c.batch_size = 64;
    out.push_back(make(
        "batchnorm_explosion", "Depth today",
        "Yang et al. 2019: batch norm makes gradients explode",
        "Yang, Pennington, Rao, Sohl-Dickstein & Schoenholz 2019, A mean field theory of batch "
        "normalization, theorem 3.10",
        "20 plain ReLU layers of 128, each Linear -> BatchNorm -> ReLU, measured on a probe "
        "batch of 256 rows: He normal and Xavier normal.",
        "Gradient chart: the gradient grows about 1.4x per layer towards the input for both "
        "initializers alike (batch norm removes the weights' scale); the theory's large-batch "
        "rate is π/(π−1) ≈ 1.47 (dashed, from the last hidden layer), and at this width and "
        "batch the measured rate stays a little below it.",
        c, {Init::he_normal, Init::xavier_normal}));
  }
  {
    // reference: Yang, Yu, Zhu & Hayou 2023 (Tensor Programs VI) and Bordelon et al. 2023: with
    // branches scaled by 1/sqrt(L) (depth-muP, SGD at a constant rate) the best learning rate
    // stays put as blocks are added; unscaled it falls and deep nets diverge. mup_transfer's
    // setting with depth in place of width: residual ReLU nets of width 64 (a linear stem, B
    // pre-activation blocks W phi(x) + b, spec/residual.md) on Fashion-MNIST (5400 to train),
    // SGD in batches of 64, 300 updates, log2 rates -9..-3, 6 seeds; the claim is on the mean
    // over the seeds and its parabola vertex (tests/native/test_presets.cpp, measured there).
    // Adam (measured first) moved 1/sqrt(B)'s best by 0.37-0.39, but alpha = 1's 32-block net
    // never learned (final loss above 5 at every rate), so its moving best meant nothing.
    Config c = page_base();
    c.dataset = DatasetKind::fashion_mnist;
    c.samples = 6000;
    c.test_fraction = 0.1;
    c.architecture = Architecture::residual;
    c.hidden = {64, 64};  // 2 blocks (each cell sets its depth)
    c.batch_size = 64;
    c.learning_rate = 0.03125;  // 2^-5 (each cell sets its own)
    Preset p = make(
        "depth_transfer", "Depth today", "Depth-μP: the best learning rate across depth",
        "Yang, Yu, Zhu & Hayou 2023, Tensor Programs VI (feature learning in infinite-depth "
        "neural networks); Bordelon, Noci, Li, Hanin & Pehlevan 2023 (depthwise hyperparameter "
        "transfer in residual networks)",
        "Learning-rate transfer across depth: residual ReLU nets of width 64 with 2, 8 and 32 "
        "blocks x <- x + α (W φ(x) + b) on Fashion-MNIST, SGD, 300 updates at each log2 learning "
        "rate from -9 to -3, with α = 1 (one, left) and α = 1/√B (inv_sqrt_depth, right). Each "
        "curve is one depth's final training loss, the mean over 6 seeds (a rate where every "
        "seed diverged has no point). Press Start.",
        "A curve's best log2 learning rate is the tick under it. With α = 1 it falls by 1 or "
        "more from 2 to 8 blocks (about -5 to -7.5 on these seeds) and the 32-block net diverges "
        "at every rate; with α = 1/√B all three depths share their best, log2 -4, the rate just "
        "below the one where every seed diverges (it moves by 0.5 or less).",
        c, {Init::he_normal});
    p.sweep = {"learningRate=0.001953125,0.00390625,0.0078125,0.015625,0.03125,0.0625,0.125",
               "depth=2,8,32",
               300,
               6,
               "trainLoss",
               "residualScale=one,inv_sqrt_depth"};
    out.push_back(p);
  }
  return out;
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> list = [] {
    std::vector<Preset> p = build();
    for (const Preset& x : p) {
      for (const auto& [name, values] : x.per_run) {
        if (!field(name).per_run)
          throw ConfigError("preset " + x.id + " per_run", quote(name), "a per-run field");
        if (values.size() != x.inits.size())
          throw ConfigError("preset " + x.id + " " + name,
                            std::to_string(values.size()) + " values",
                            "one per run (" + std::to_string(x.inits.size()) + ")");
      }
      for (const Config& c : preset_run_configs(x)) validate(c);
      if (!x.sweep.x.empty()) validate_sweep(preset_sweep_spec(x));
      if (!x.coordcheck.widths.empty()) validate_coordcheck(preset_coordcheck_spec(x));
    }
    return p;
  }();
  return list;
}

std::vector<std::string> preset_ids() {
  std::vector<std::string> ids;
  for (const Preset& p : presets()) ids.push_back(p.id);
  return ids;
}

const Preset& preset_by_id(const std::string& id) {
  for (const Preset& p : presets())
    if (p.id == id) return p;
  throw ConfigError("preset", quote(id), "one of " + join_ids(preset_ids()));
}

SweepSpec preset_sweep_spec(const Preset& p) {
  if (p.sweep.x.empty()) throw ConfigError("preset", quote(p.id), "a sweep preset");
  SweepSpec spec;
  spec.base = preset_run_configs(p).front();
  spec.axes.push_back(parse_axis(p.sweep.x, "--x"));
  if (!p.sweep.y.empty()) spec.axes.push_back(parse_axis(p.sweep.y, "--y"));
  if (!p.sweep.split.empty()) spec.axes.push_back(parse_axis(p.sweep.split, "--split"));
  spec.steps = p.sweep.steps;
  spec.seeds = p.sweep.seeds;
  return spec;
}

CoordCheckSpec preset_coordcheck_spec(const Preset& p) {
  if (p.coordcheck.widths.empty())
    throw ConfigError("preset", quote(p.id), "a coordinate-check preset");
  CoordCheckSpec spec;
  spec.base = preset_run_configs(p).front();
  spec.parametrizations = p.coordcheck.parametrizations;
  spec.widths = p.coordcheck.widths;
  spec.steps = p.coordcheck.steps;
  spec.seeds = p.coordcheck.seeds;
  spec.base.hidden.assign(spec.base.hidden.size(), spec.widths.front());
  spec.base.parametrization = spec.parametrizations.front();
  return spec;
}

std::vector<Config> preset_run_configs(const Preset& p) {
  std::vector<Config> out;
  for (std::size_t i = 0; i < p.inits.size(); ++i) {
    Config c = p.config;
    c.init = p.inits[i];
    for (const auto& [name, values] : p.per_run) field(name).set(c, values.at(i));
    out.push_back(c);
  }
  return out;
}

}  // namespace initscope
