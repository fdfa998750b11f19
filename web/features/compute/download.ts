/** Saves `text` as a file through the browser's download (the private key of a new key pair, once; an openrc). */
export function downloadText(filename: string, text: string, type = 'application/x-pem-file'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // the click has started the download by now; the URL only needs to outlive it briefly
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name for a key pair's private key: its name with anything unsafe in a file name replaced. */
export const keyFileName = (name: string) => `${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.pem`;
