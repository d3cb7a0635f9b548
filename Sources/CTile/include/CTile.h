// CTile — the one step of Verity's token products that Swift cannot express well: storing an
// OpenBLAS tile computed in the transposed orientation (Tᵀ[cols, rows], see Kernels/Gemm.swift)
// into row-major output, with 8×8 AVX register transposes. Data movement only (plus one add per
// element when accumulating), so the bits are those of the plain loop.
#ifndef VERITY_CTILE_H
#define VERITY_CTILE_H

/// y[r·ldy + j] (+)= tile[j·tileRows + r] for r < rows, j < cols. `rows` ≤ tileRows.
void verity_tile_store(const float *tile, int tileRows, int cols, int rows, float *y, long ldy, int accumulate);

#endif
