// @ts-check
/**
 * Loaded with `node --import` into a measured process: at exit, writes to the file named by
 * TRUSTLINT_BENCH_RSS the process's peak resident set size (KiB) and the CPU time it used (user and
 * system, ms), worker threads and V8's own background threads (compiler, garbage collector) included:
 * `{"rss": KiB, "cpuMs": ms}`.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.TRUSTLINT_BENCH_RSS;
if (target) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ rss: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
  });
}
