// initscope/gemm.hpp: the three matrix products an MLP step needs, on row-major contiguous
// float buffers. Shapes: B = batch rows, I = fan_in, O = fan_out.
//   forward   Z[B][O]  = X[B][I] . W[O][I]^T          gemm_nt
//   weights  dW[O][I]  = dZ[B][O]^T . X[B][I]         gemm_tn
//   inputs   dX[B][I]  = dZ[B][O] . W[O][I]           gemm_nn
// With accumulate = false, C is overwritten; otherwise C += product.
#pragma once
#include <cstddef>

namespace initscope {

// C[M][N] (+)= A[M][K] . B[N][K]^T
void gemm_nt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate = false);
// C[M][N] (+)= A[K][M]^T . B[K][N]
void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate = false);
// C[M][N] (+)= A[M][K] . B[K][N]
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C,
             bool accumulate = false);

// ---------------------------------------------------------------------------------------------
// Two paths (process-wide, set once before training; the default is exact):
// - exact: the kernels of gemm.cpp, whose every element is c = c + a[k] * b[k] in increasing k
//   without FMA. Bit-identical on every CPU and in wasm: what the page's bytes are promised on.
//   Natively the widest kernel the CPU runs is picked at start-up (AVX2 when
//   __builtin_cpu_supports says so, else the portable SSE2 one); all give the same bits.
// - fast: OpenBLAS sgemm (native builds that found it; never wasm). FMA and its own k order: each
//   element differs from the exact one by rounding only, at most 2 gamma_K (|A||B|)_ij with
//   gamma_K = K u / (1 - K u), u = 2^-24 (both are within gamma_K of the real product).
enum class GemmMode { exact, fast };
bool fast_gemm_available();
// Throws std::invalid_argument for fast when the build has no OpenBLAS.
void set_gemm_mode(GemmMode mode);
GemmMode gemm_mode();
const char* to_string(GemmMode mode);
// OpenBLAS's threads (openblas_set_num_threads); no effect on the exact path. Must be >= 1.
void set_gemm_threads(int threads);

// The exact path's kernels, for tests and the bench (they compare them bit for bit).
enum class ExactKernel { portable, avx2 };
bool exact_kernel_supported(ExactKernel kernel);
void set_exact_kernel(ExactKernel kernel);  // throws std::invalid_argument if the CPU cannot
ExactKernel exact_kernel();
const char* to_string(ExactKernel kernel);

// Naive triple loops in double accumulation: the reference the fast kernels are tested against.
namespace reference {
void gemm_nt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C);
void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C);
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C);
}  // namespace reference

}  // namespace initscope
