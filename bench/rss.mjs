// @ts-check
/**
 * Loaded with `node --import` into a measured process: at exit, writes the process's peak resident
 * set size (KiB, worker threads included) to the file named by TRUSTLINT_BENCH_RSS.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.TRUSTLINT_BENCH_RSS;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
