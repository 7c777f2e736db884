// gemm.cpp: the three matrix products of an MLP step (see gemm.hpp), and their naive references.
//
// Numerical contract, shared by every kernel here: each output element is a sequential float sum
// over k in increasing order, starting from C's old value (accumulate) or from 0:
//   c = c0; for k in 0..K-1: c = c + a[k] * b[k]      (no fused multiply-add: -ffp-contract=off)
// Vectorising or blocking over i and j never changes that order, so every build (native SSE/AVX,
// wasm SIMD128, scalar) gives bit-identical results: the browser matches the CLI.
#include "initscope/gemm.hpp"

#include <cstring>

namespace initscope {

namespace {

void init_rows(std::size_t M, std::size_t N, float* C, bool accumulate) {
  if (!accumulate) std::memset(C, 0, M * N * sizeof(float));
}

}  // namespace

// C[M][N] (+)= A[M][K] . B[N][K]^T
void gemm_nt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C, bool accumulate) {
  for (std::size_t i = 0; i < M; ++i) {
    const float* a = A + i * K;
    for (std::size_t j = 0; j < N; ++j) {
      const float* b = B + j * K;
      float s = accumulate ? C[i * N + j] : 0.0f;
      for (std::size_t k = 0; k < K; ++k) s += a[k] * b[k];
      C[i * N + j] = s;
    }
  }
}

// C[M][N] (+)= A[K][M]^T . B[K][N]
void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C, bool accumulate) {
  init_rows(M, N, C, accumulate);
  for (std::size_t i = 0; i < M; ++i) {
    float* c = C + i * N;
    for (std::size_t k = 0; k < K; ++k) {
      const float a = A[k * M + i];
      const float* b = B + k * N;
      for (std::size_t j = 0; j < N; ++j) c[j] += a * b[j];
    }
  }
}

// C[M][N] (+)= A[M][K] . B[K][N]
void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C, bool accumulate) {
  init_rows(M, N, C, accumulate);
  for (std::size_t i = 0; i < M; ++i) {
    float* c = C + i * N;
    for (std::size_t k = 0; k < K; ++k) {
      const float a = A[i * K + k];
      const float* b = B + k * N;
      for (std::size_t j = 0; j < N; ++j) c[j] += a * b[j];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// References: plain triple loops, double accumulation, C overwritten.
namespace reference {

void gemm_nt(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < K; ++k) s += double(A[i * K + k]) * double(B[j * K + k]);
      C[i * N + j] = static_cast<float>(s);
    }
}

void gemm_tn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < K; ++k) s += double(A[k * M + i]) * double(B[k * N + j]);
      C[i * N + j] = static_cast<float>(s);
    }
}

void gemm_nn(std::size_t M, std::size_t N, std::size_t K, const float* A, const float* B,
             float* C) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      double s = 0.0;
      for (std::size_t k = 0; k < K; ++k) s += double(A[i * K + k]) * double(B[k * N + j]);
      C[i * N + j] = static_cast<float>(s);
    }
}

}  // namespace reference
}  // namespace initscope
