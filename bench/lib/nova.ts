// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export type Reply = { status: number; body: Json; text: string };

/** The few Nova v2.1 calls the compute benchmark makes, over fetch (keep-alive), as a token's holder. */
export function novaClient(baseUrl: string, token: string, version = '2.47') {
  const root = `${baseUrl}/compute/v2.1`;
  async function call(method: string, path: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-Auth-Token': token,
      'OpenStack-API-Version': `compute ${version}`,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${root}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  }
  async function expect(status: number, method: string, path: string, body?: unknown): Promise<Json> {
    const r = await call(method, path, body);
    if (r.status !== status)
      throw new Error(`${method} ${path}: expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
    return r.body;
  }
  return {
    call,
    expect,
    createFlavor: async (f: { name: string; vcpus: number; ram: number; disk: number }): Promise<string> =>
      (await expect(200, 'POST', '/flavors', { flavor: f })).flavor.id as string,
    unlimitedQuota: (projectId: string) =>
      expect(200, 'PUT', `/os-quota-sets/${projectId}`, { quota_set: { instances: -1, cores: -1, ram: -1 } }),
    boot: (s: { name: string; imageRef: string; flavorRef: string; availability_zone?: string }) =>
      call('POST', '/servers', { server: { ...s, networks: 'none' } }),
    show: (id: string) => call('GET', `/servers/${id}`),
    remove: (id: string) => call('DELETE', `/servers/${id}`),
    console: (id: string) => call('POST', `/servers/${id}/action`, { 'os-getConsoleOutput': {} }),
  };
}

export type Nova = ReturnType<typeof novaClient>;

/** Uploads `bytes` zero bytes as an active public raw image (what the simulated hosts boot: they never read it). */
export async function uploadRawImage(baseUrl: string, token: string, name: string, bytes = 4096): Promise<string> {
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
  const created = await fetch(`${baseUrl}/image/v2/images`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name, disk_format: 'raw', container_format: 'bare', visibility: 'public' }),
  });
  if (created.status !== 201) throw new Error(`image create: HTTP ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const put = await fetch(`${baseUrl}/image/v2/images/${id}/file`, {
    method: 'PUT',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' },
    body: Buffer.alloc(bytes),
  });
  if (put.status !== 204) throw new Error(`image upload: HTTP ${put.status} ${await put.text()}`);
  return id;
}
