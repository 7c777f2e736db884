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

// Naive triple loops in double accumulation: the reference the fast kernels are tested against.
namespace reference {
void gemm_nt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C);
void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C);
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B, float* C);
}  // namespace reference

}  // namespace initscope
