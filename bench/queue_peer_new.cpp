// queue_peer_new.cpp: the global operator new and delete of bench_queue,
// replaced by ones that call malloc and free, so the C++ queue peers'
// allocations reach the counting wrappers of alloc_count.c (libstdc++'s
// own operator new calls malloc inside the shared library, uncounted).
#include <cstdlib>
#include <new>

void *operator new(std::size_t n)
{
    if (void *p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
void *operator new[](std::size_t n) { return operator new(n); }
void *operator new(std::size_t n, const std::nothrow_t &) noexcept { return std::malloc(n ? n : 1); }
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept { return std::malloc(n ? n : 1); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }
