/*
 * Stands in for libLibTorchSharp.so (its only dependency), so that TorchSharp's P/Invokes resolve through it
 * (TorchRuntime sets the resolver), and keeps every Scalar TorchSharp disposes alive a while longer.
 *
 * Why: TorchSharp 0.107 turns numbers passed to tensor ops into temporary Scalar objects (its own code does too:
 * add(t) is add(t, 1)) and passes their native handles to libtorch without keeping the objects alive. The garbage
 * collector may finalize one while libtorch still reads it, and THSTorch_dispose_scalar frees it under that read.
 * Here a disposed Scalar is freed only after 65,536 later disposals, long after any call that could still be
 * reading it has returned (a call reads its Scalars when it starts, on its own thread). See docs/engine.md.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#define DELAYED 65536

typedef void (*dispose_fn)(void *);

static void *pending[DELAYED];
static size_t next_slot;
static dispose_fn real_dispose;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static dispose_fn find_real_dispose(void)
{
    void *library = dlopen("libLibTorchSharp.so", RTLD_LAZY | RTLD_NOLOAD);
    return library ? (dispose_fn)dlsym(library, "THSTorch_dispose_scalar") : NULL;
}

void THSTorch_dispose_scalar(void *scalar)
{
    void *oldest;
    pthread_mutex_lock(&lock);
    if (!real_dispose) real_dispose = find_real_dispose();
    oldest = pending[next_slot];
    pending[next_slot] = scalar;
    next_slot = (next_slot + 1) % DELAYED;
    pthread_mutex_unlock(&lock);
    if (oldest && real_dispose) real_dispose(oldest);
}

/* How many disposals are held back, for the test that checks the library is in use. */
size_t sl_scalars_delayed(void)
{
    return DELAYED;
}
