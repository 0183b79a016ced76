// Package pool recycles memory on Tako's hot paths: growable byte buffers,
// typed objects, and size-classed byte slices for bodies.
//
//	buf := pool.GetBuffer()       // *pool.Buffer, a bytebufferpool.ByteBuffer
//	buf.WriteString("hello")
//	pool.PutBuffer(buf)           // buf must not be used after this
//
//	var ctxs = pool.Of[Ctx]{Reset: (*Ctx).reset}
//	c := ctxs.Get()               // *Ctx, zero allocations once warm
//	ctxs.Put(c)                   // Reset runs here, not on Get
//
//	body := pool.GetBytes(n)      // len n, cap = the size class (>= n)
//	pool.PutBytes(body)           // back to the class its cap fits
//
// # Three pools, three jobs
//
// [Buffer] is valyala/bytebufferpool's ByteBuffer. Its pool calibrates
// itself: it tracks the sizes callers actually use and drops buffers far
// above the 95th percentile on Put, so one huge response does not pin its
// memory for every later small one; until it has calibrated, a hard bound
// (BufferPool.MaxCap, 1 MiB by default) drops oversized buffers. Use it for
// output that grows while you write it.
//
// [Of] is a typed wrapper over sync.Pool that stores *T (pointer-shaped, so
// Get and Put allocate nothing), runs a Reset hook on Put and creates values
// with a New hook (or new(T)) on a miss.
//
// [Bytes] serves []byte of a known size (request and response bodies, read
// buffers). Sizes are grouped in power-of-two classes from [MinClass] (512 B)
// to [MaxClass] (1 MiB) by default; both bounds are configurable. Get(n)
// takes from the smallest class that holds n bytes; Put returns a slice to
// the largest class not above its capacity (floor), and drops it when its
// capacity is below the smallest or above the largest class. A request above
// the largest class is served by a plain make and never pooled, so a 50 MB
// upload cannot pin 50 MB for the next 1 KB request.
//
// Power-of-two classes rather than powers of four: at most half of a slice
// is slack (a power-of-four scheme wastes up to three quarters of it), and
// the extra classes cost nothing on the hot path (the class is one
// bits.Len). Twelve sync.Pools for the default range is a small price.
//
// Storing a []byte in a sync.Pool boxes its three-word header and allocates
// on every Put (staticcheck SA6002). Bytes stores only the pointer to the
// backing array, which is pointer-shaped and needs no box, and rebuilds the
// slice from the class size on Get (see bytes_unsafe.go; a build with the
// purego tag uses a recycled *[]byte header instead). Both are proven
// allocation-free by AllocsPerRun tests.
//
// # Poisoning recycled memory
//
// Tako's zero-copy values alias pooled buffers and are valid only until the
// handler returns. To make an escaped alias visible in tests, turn on
// poisoning with [SetPoison] (or build with the takopoison tag to have it on
// from the start): every Put then overwrites the recycled bytes with
// [PoisonByte] before the memory is reused, so a string that outlived its
// request reads as "\xa5\xa5\xa5..." at once instead of silently changing
// later in production. [Of] calls its Poison hook for the same purpose.
// Poisoning costs a memset per Put; leave it off in production.
package pool
