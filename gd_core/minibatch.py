"""Mini-batch gradients for a least-squares fit, composed into an update rule.

The examples are shuffled once per epoch, by a generator of their own
(``default_rng([seed, 1])``, independent of the noise draw), and cut into
⌈m/batch⌉ consecutive batches; the last may be smaller. (With batch = m an
epoch is one batch of every example, and no shuffle is drawn.) Step k uses batch k
of that sequence, so

    g_k(θ) = X_Bᵀ(X_B θ − y_B)/|B| = A_k θ − b_k,   A_k = X_BᵀX_B/|B|,  b_k = X_Bᵀy_B/|B|.

A_k and b_k do not depend on θ, so they are summed up front, one epoch at a
time (O(m) per epoch). :meth:`MiniBatches.oracle` is the gradient oracle that
feeds step k of :func:`gd_core.descent.descend` g_k at the iterate the loop
holds, instead of the full-batch gradient (which the history still records).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_SHUFFLED = 2_000_000  # points reshuffled per run (about 0.2 s): bounds one run's work


def shuffled_points(m: int, batch: int, n_steps: int) -> int:
    """How many points a run reshuffles: m per epoch begun (none when an epoch is one batch)."""
    per_epoch = math.ceil(m / batch)
    return 0 if per_epoch == 1 else m * math.ceil(n_steps / per_epoch)


def shuffler(seed: int) -> np.random.Generator:
    """The generator of the epochs' permutations: seeded by ``seed``, apart from the noise."""
    return np.random.default_rng([seed, 1])


@dataclass(frozen=True, eq=False)
class MiniBatches:
    """Per-step batch statistics for ``n_steps`` steps; arrays read-only.

    hessians: (n_steps, p, p) A_k;  rhs: (n_steps, p) b_k;  sizes: (n_steps,) |B_k|.
    """

    batch: int
    m: int
    seed: int
    hessians: np.ndarray
    rhs: np.ndarray
    sizes: np.ndarray
    epoch_states: tuple = ()  # the shuffler's state at the start of each epoch

    @property
    def per_epoch(self) -> int:
        """Steps in one pass over the data: ⌈m/batch⌉."""
        return math.ceil(self.m / self.batch)

    def gradient(self, k: int, theta: np.ndarray) -> np.ndarray:
        """g_k(θ) = A_k θ − b_k, the gradient step k uses."""
        return self.hessians[k] @ theta - self.rhs[k]

    def oracle(self, k: int, theta: np.ndarray, full_grad: np.ndarray) -> np.ndarray:
        """The gradient oracle for :func:`gd_core.descent.descend`: g_k(θ), not the full batch's."""
        return self.gradient(k, theta)

    def indices(self, k: int) -> np.ndarray:
        """The examples in step k's batch (its epoch's shuffle, drawn again from the saved state)."""
        if self.per_epoch == 1:
            return np.arange(self.m)
        epoch, slot = divmod(k, self.per_epoch)
        rng = shuffler(self.seed)
        rng.bit_generator.state = self.epoch_states[epoch]
        return rng.permutation(self.m)[slot * self.batch : (slot + 1) * self.batch]


def minibatches(
    X: np.ndarray, y: np.ndarray, *, batch: int, n_steps: int, seed: int
) -> MiniBatches:
    """Sum A_k and b_k of the first ``n_steps`` batches, one shuffled epoch at a time."""
    m, p = X.shape
    if not 1 <= batch <= m:
        raise ValueError(f"the batch size must be between 1 and m = {m}, got {batch}")
    if shuffled_points(m, batch, n_steps) > MAX_SHUFFLED:
        raise ValueError(f"a run may reshuffle at most {MAX_SHUFFLED:,} points")
    per_epoch = math.ceil(m / batch)
    starts = np.arange(0, m, batch)
    sizes_epoch = np.diff(np.append(starts, m)).astype(float)
    sums, states = [], []
    rng = shuffler(seed)
    columns = [np.ascontiguousarray(X[:, j]) for j in range(p)]  # 1-D gathers are fastest
    for _ in range(math.ceil(n_steps / per_epoch)):
        if per_epoch == 1:
            # One batch holds every example: its order would change only the
            # rounding, so the sums are taken once and no permutation is drawn.
            sums.append(sums[0] if sums else _batch_sums(columns, y, np.array([0])))
            continue
        states.append(rng.bit_generator.state)
        order = rng.permutation(m)
        sums.append(_batch_sums([c[order] for c in columns], y[order], starts))
    steps = np.concatenate(sums)[:n_steps] if sums else np.empty((0, p * p + p))
    sizes = np.resize(sizes_epoch, n_steps) if n_steps else np.empty(0)
    hessians = (steps[:, : p * p] / sizes[:, None]).reshape(-1, p, p)
    rhs = steps[:, p * p :] / sizes[:, None]
    for array in (hessians, rhs, sizes):
        array.setflags(write=False)
    return MiniBatches(batch, m, seed, hessians, rhs, sizes, tuple(states))


def _batch_sums(columns: list, y: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """(batches, p·p + p): Σ x_i x_iᵀ (flattened) and Σ x_i y_i over each run of rows from
    ``starts``, from X's p columns; one contiguous column at a time, which is fast."""
    p = len(columns)
    terms = [columns[i] * columns[j] for i in range(p) for j in range(p)]
    terms += [column * y for column in columns]
    return np.stack([np.add.reduceat(term, starts) for term in terms], axis=1)


def per_example_gradients(X: np.ndarray, y: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """(len(y), p): ∇ of ½(x_iᵀθ − y_i)² for each example, x_i (x_iᵀθ − y_i)."""
    return X * (X @ theta - y)[:, None]
