/**
 * Saves a file the page fetched: a Blob URL clicked through an `<a download>`. A plain link to
 * the export would not carry the user's token (fetchApi adds it to requests it makes, not to
 * navigations), so the page fetches first and saves what came back.
 */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // After the click has started the download; revoking at once can cancel it in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
