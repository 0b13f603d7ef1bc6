import { decodeCursor, encodeCursor, START } from './cursor';

describe('the cursor', () => {
  it('stands for the three last ids, base64url', () => {
    const position = {
      environmentEvents: 12,
      jobTimeline: 0,
      usage: Number.MAX_SAFE_INTEGER,
    };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString()).toBe(
      `v1.12.0.${Number.MAX_SAFE_INTEGER}`,
    );
    expect(decodeCursor(cursor)).toEqual(position);
    expect(decodeCursor(undefined)).toEqual(START);
  });

  it.each([
    ['v1.1.2', 'three ids'],
    ['v1.1.2.3.4', 'three ids'],
    ['v1.-1.2.3', 'whole numbers'],
    ['v1.1.2.99999999999999999', 'safe integers'],
    ['v1.1.2.3 ', 'nothing after'],
    ['v0.1.2.3', 'this version'],
  ])('refuses %p (%s), naming after', text => {
    expect(() => decodeCursor(Buffer.from(text).toString('base64url'))).toThrow(
      /^Invalid query: after: not a cursor of this feed/,
    );
  });

  it('refuses a cursor with padding or another spelling of the same ids', () => {
    const cursor = encodeCursor({
      environmentEvents: 1,
      jobTimeline: 2,
      usage: 3,
    });
    expect(() => decodeCursor(`${cursor}=`)).toThrow(/after/);
    expect(() =>
      decodeCursor(Buffer.from('v1.1.2.03').toString('base64url')),
    ).toThrow(/after/);
  });
});
