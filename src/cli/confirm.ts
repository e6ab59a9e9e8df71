/** Ask for confirmation on a terminal: only `yes` proceeds (as terraform does). */
import { createInterface } from 'node:readline/promises';
import type { CliIo } from './io.js';

export async function confirm(io: CliIo, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: process.stdout, terminal: false });
  try {
    io.stdout.write(`${question}\n  Only 'yes' will be accepted: `);
    const answer = await rl.question('');
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}
