// HistogramObserver microbenchmarks (bench_observers.cpp); main() lives in bench_kernels.cpp.
#pragma once

// Prints one JSON line per benchmark: ms per 1M-element batch, for 1 and (pthreads build) 2 threads.
void run_observer_benchmarks();
