"""One BLAS thread for the small matrices of the model-based samplers.

A GP's matrices are a few hundred rows at most: a multi-threaded BLAS gains nothing on
them, and on a busy machine its threads spin waiting for each other. Measured with
OpenBLAS on 2 busy cores (load 11): the GP took 170-650 ms a trial with 2 BLAS threads
and 14-46 ms with one, over its first 120 trials of a 3-parameter quadratic.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from threadpoolctl import ThreadpoolController

_controller: ThreadpoolController | None = None


def one_blas_thread() -> AbstractContextManager[object]:
    """A context in which BLAS (OpenBLAS, MKL, BLIS) runs on one thread."""
    global _controller
    if _controller is None:  # made on first use: it finds the BLAS libraries loaded then
        _controller = ThreadpoolController()
    limit: AbstractContextManager[object] = _controller.limit(limits=1, user_api="blas")
    return limit
