/**
 * The V8 flags the operator is deployed with: the image's `NODE_OPTIONS`, the chart's
 * `nodeOptions` default, and bench/operator, which measures the process as deployed.
 *
 * Why flags at all: V8 sizes its heap for throughput, not for a container. Its young generation
 * grows to 3 x 16 MB semi-spaces, and the old generation is collected only once it has grown by a
 * factor of its live size, so at 10,000 objects a process with ~65 MB of live heap peaked at
 * 250 MB resident. A 2 MB semi-space costs a few more (cheap) scavenges; an old-space cap below
 * the container's memory limit (192 MB for the chart's 256 Mi, as Go controllers set GOMEMLIMIT)
 * makes V8 collect before the kernel kills. Raise both together (see the operator's README).
 */
export const DEFAULT_NODE_OPTIONS = '--max-semi-space-size=2 --max-old-space-size=192';

/** The container memory limit DEFAULT_NODE_OPTIONS is sized for. */
export const DEFAULT_MEMORY_LIMIT = '256Mi';
