//! The linear algebra of the latent space: sparse × dense products of our
//! own (they run in parallel over rows, each row summed in a fixed order)
//! and the small dense steps with nalgebra and matrixmultiply.

use nalgebra::{DMatrix, SymmetricEigen};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A sparse row: (column, value), sorted by column.
pub(crate) type SparseRow = Vec<(u32, f32)>;

/// Row-major dense matrix of f32, `cols` wide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Dense {
    /// The values, row after row.
    pub data: Vec<f32>,
    /// Row width.
    pub cols: usize,
}

impl Dense {
    /// A matrix of zeros.
    pub(crate) fn zeros(rows: usize, cols: usize) -> Self {
        Dense {
            data: vec![0.0; rows * cols],
            cols,
        }
    }
    /// Number of rows.
    pub(crate) fn rows(&self) -> usize {
        self.data.len() / self.cols.max(1)
    }
    /// Row `i`.
    pub(crate) fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
}

/// A reproducible pseudo-random value in [-1, 1) from a term and a column:
/// the projection depends on the term's identity, not on its position.
pub(crate) fn seeded(term: u64, column: usize) -> f32 {
    let mut x = term ^ (column as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

/// A · X for sparse A (rows) and dense X (columns of A × cols).
pub(crate) fn sparse_times(rows: &[SparseRow], x: &Dense) -> Dense {
    let cols = x.cols;
    let mut out = Dense::zeros(rows.len(), cols);
    out.data
        .par_chunks_mut(cols)
        .zip(rows.par_iter())
        .for_each(|(out_row, row)| {
            for &(term, weight) in row {
                for (o, v) in out_row.iter_mut().zip(x.row(term as usize)) {
                    *o += weight * v;
                }
            }
        });
    out
}

/// Aᵀ · Y via the transposed rows (`columns`: for each term, (article, weight)).
pub(crate) fn sparse_transpose_times(columns: &[Vec<(u32, f32)>], y: &Dense) -> Dense {
    let cols = y.cols;
    let mut out = Dense::zeros(columns.len(), cols);
    out.data
        .par_chunks_mut(cols)
        .zip(columns.par_iter())
        .for_each(|(out_row, column)| {
            for &(doc, weight) in column {
                for (o, v) in out_row.iter_mut().zip(y.row(doc as usize)) {
                    *o += weight * v;
                }
            }
        });
    out
}

/// Rows per block of the dense products: blocks are computed in parallel
/// and summed in block order, so results do not depend on the thread count.
const BLOCK_ROWS: usize = 2048;

/// Yᵀ · Y in f64 (matrixmultiply's dgemm on each block of rows).
pub(crate) fn gram(y: &Dense) -> DMatrix<f64> {
    let cols = y.cols;
    let partials: Vec<Vec<f64>> = y
        .data
        .par_chunks(BLOCK_ROWS * cols)
        .map(|chunk| {
            let rows = chunk.len() / cols;
            let block: Vec<f64> = chunk.iter().map(|&v| v as f64).collect();
            let mut g = vec![0f64; cols * cols];
            // SAFETY: the pointers and strides describe `block` (rows × cols,
            // row-major) read as its transpose, and `g` (cols × cols), all in bounds.
            unsafe {
                matrixmultiply::dgemm(
                    cols,
                    rows,
                    cols,
                    1.0,
                    block.as_ptr(),
                    1,
                    cols as isize,
                    block.as_ptr(),
                    cols as isize,
                    1,
                    0.0,
                    g.as_mut_ptr(),
                    cols as isize,
                    1,
                );
            }
            g
        })
        .collect();
    let mut total = DMatrix::<f64>::zeros(cols, cols);
    for partial in partials {
        for a in 0..cols {
            for b in 0..cols {
                total[(a, b)] += partial[a * cols + b];
            }
        }
    }
    total
}

/// Y · M for a small dense M, block by block (matrixmultiply's sgemm).
pub(crate) fn times_small(y: &Dense, m: &DMatrix<f64>) -> Dense {
    let (inner, out_cols) = (m.nrows(), m.ncols());
    let m32: Vec<f32> = (0..inner)
        .flat_map(|a| (0..out_cols).map(move |j| (a, j)))
        .map(|(a, j)| m[(a, j)] as f32)
        .collect();
    let mut out = Dense::zeros(y.rows(), out_cols);
    out.data
        .par_chunks_mut(BLOCK_ROWS * out_cols.max(1))
        .zip(y.data.par_chunks(BLOCK_ROWS * y.cols))
        .for_each(|(out_block, y_block)| {
            let rows = y_block.len() / y.cols;
            // SAFETY: `y_block` is rows × inner, `m32` inner × out_cols and
            // `out_block` rows × out_cols, all row-major and in bounds.
            unsafe {
                matrixmultiply::sgemm(
                    rows,
                    inner,
                    out_cols,
                    1.0,
                    y_block.as_ptr(),
                    inner as isize,
                    1,
                    m32.as_ptr(),
                    out_cols as isize,
                    1,
                    0.0,
                    out_block.as_mut_ptr(),
                    out_cols as isize,
                    1,
                );
            }
        });
    out
}

/// Orthonormalises the columns of Y through the eigen-decomposition of its
/// Gram matrix, which tolerates rank deficiency (tiny directions dropped).
pub(crate) fn orthonormalise(y: &Dense) -> Dense {
    let eigen = SymmetricEigen::new(gram(y));
    let largest = eigen.eigenvalues.iter().cloned().fold(0.0, f64::max);
    let keep: Vec<usize> = (0..eigen.eigenvalues.len())
        .filter(|&i| eigen.eigenvalues[i] > largest * 1e-10)
        .collect();
    let mut m = DMatrix::<f64>::zeros(y.cols, keep.len());
    for (j, &i) in keep.iter().enumerate() {
        let scale = 1.0 / eigen.eigenvalues[i].sqrt();
        for a in 0..y.cols {
            m[(a, j)] = eigen.eigenvectors[(a, i)] * scale;
        }
    }
    times_small(y, &m)
}

/// Scales a row to unit length (a zero row stays zero).
pub(crate) fn normalise_row(row: &mut [f32]) {
    let norm = row.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        row.iter_mut().for_each(|v| *v /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_values_are_spread_and_stable() {
        let values: Vec<f32> = (0..1000).map(|j| seeded(42, j)).collect();
        assert!(values.iter().all(|v| (-1.0..1.0).contains(v)));
        let mean = values.iter().sum::<f32>() / 1000.0;
        assert!(mean.abs() < 0.1, "{mean}");
        assert_eq!(seeded(42, 7), seeded(42, 7));
        assert_ne!(seeded(42, 7), seeded(43, 7));
    }

    #[test]
    fn orthonormal_columns() {
        let mut y = Dense::zeros(50, 3);
        for i in 0..50 {
            for j in 0..3 {
                y.data[i * 3 + j] = seeded(i as u64, j) + if j == 2 { y.data[i * 3] } else { 0.0 };
            }
        }
        let q = orthonormalise(&y);
        let g = gram(&q);
        for a in 0..q.cols {
            for b in 0..q.cols {
                let expected = if a == b { 1.0 } else { 0.0 };
                assert!((g[(a, b)] - expected).abs() < 1e-3, "{a},{b}: {}", g[(a, b)]);
            }
        }
    }
}
