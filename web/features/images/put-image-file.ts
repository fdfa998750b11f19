'use client';

import { CSRF_HEADER } from '@server/lib/session-cookie';

/** A refused or broken-off upload, with a sentence for a person. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

export type UploadProgress = { loaded: number; total: number };

/**
 * PUTs a file to the dashboard's upload route (server/http/image-upload.ts). XMLHttpRequest rather than fetch because
 * only it reports upload progress; the browser streams the file from disk, so its size does not matter here.
 */
export function putImageFile(
  imageId: string,
  file: Blob,
  onProgress: (p: UploadProgress) => void,
): { done: Promise<void>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    xhr.open('PUT', `/api/images/${encodeURIComponent(imageId)}/file`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader(CSRF_HEADER, '1');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      reject(new UploadError(refusal(xhr.status, xhr.response), xhr.status));
    };
    xhr.onerror = () => reject(new UploadError('The upload broke off. Check your connection and try again.', 0));
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.', 0, true));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

function refusal(status: number, body: unknown): string {
  if (status === 401) return 'Your session has ended. Sign in again, then upload the file.';
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : `The server refused the upload (HTTP ${status}).`;
}
