/**
 * The message of the gateway's OpenAI-shaped error body, else the body or status line: the
 * playground shows the gateway's own words ("Rate limit reached: 60 RPM").
 */
export async function readGatewayError(response: Response): Promise<Error> {
  const text = await response.text().catch(() => '');
  try {
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string' && message) {
      return new Error(message);
    }
  } catch {
    // not JSON: fall through
  }
  return new Error(text || `${response.status} ${response.statusText}`.trim());
}
