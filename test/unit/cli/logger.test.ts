/** Logs: pretty on a terminal (it used to crash: pino-pretty needs a real stream), JSON else. */
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../../src/cli/logger.js';

function terminal(): { isTTY: true; text: () => string; write: (s: string) => boolean } {
  let text = '';
  return {
    isTTY: true,
    text: () => text,
    write: (s: string) => {
      text += s;
      return true;
    },
  };
}

describe('createLogger', () => {
  it('writes readable lines on a terminal', () => {
    const out = terminal();
    createLogger(out, undefined, 'info').info({ guest: 'db1' }, 'watching');
    expect(out.text()).toContain('watching');
    expect(out.text()).toContain('db1');
  });

  it('--log-format pretty works on any stream; json writes one object per line', () => {
    const out = terminal();
    createLogger(out, 'pretty', 'info').warn('pretty please');
    expect(out.text()).toContain('pretty please');
    let json = '';
    createLogger({ write: (s: string) => (json += s) }, 'json', 'info').info(
      { password: 'x' },
      'm',
    );
    expect(JSON.parse(json.trim())).toMatchObject({ msg: 'm', password: '[secret]' });
  });
});
