"""NumPy's minibatch CKA with the unbiased HSIC estimator, for the CLI checks.

Written from the papers, independently of actscope's C++: HSIC_1 of Song et
al. 2012 as Nguyen, Raghu and Kornblith 2021 (eq. 3) use it, summed over
batches of equal size in order, the last partial batch left out.
"""

import numpy as np


def hsic1(k, l):
    """Unbiased HSIC of two Gram matrices of the same n >= 4 images."""
    n = len(k)
    k, l = k.copy(), l.copy()
    np.fill_diagonal(k, 0.0)
    np.fill_diagonal(l, 0.0)
    ones = np.ones(n)
    return (np.trace(k @ l) + (ones @ k @ ones) * (ones @ l @ ones) / ((n - 1) * (n - 2))
            - 2.0 / (n - 2) * (ones @ k @ l @ ones)) / (n * (n - 3))


def gram(outputs, rows):
    """The linear Gram matrix (float64) of the outputs [N, ...] of `rows`, flattened per image."""
    features = outputs[rows].reshape(len(outputs[rows]), -1).astype(np.float64)
    return features @ features.T


def minibatch_cka(a_outputs, b_outputs, images, batch):
    """CKA of every pair (a, b) of two lists of layer outputs over `images` images."""
    cross = np.zeros((len(a_outputs), len(b_outputs)))
    self_a, self_b = np.zeros(len(a_outputs)), np.zeros(len(b_outputs))
    for j in range(images // batch):
        rows = slice(j * batch, (j + 1) * batch)
        ka = [gram(out, rows) for out in a_outputs]
        kb = [gram(out, rows) for out in b_outputs]
        for i, k in enumerate(ka):
            self_a[i] += hsic1(k, k)
            for m, l in enumerate(kb):
                cross[i, m] += hsic1(k, l)
        for m, l in enumerate(kb):
            self_b[m] += hsic1(l, l)
    return cross / np.sqrt(np.outer(self_a, self_b))
