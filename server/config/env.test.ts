import { describe, expect, it } from 'vitest';
import { imageCacheSettings, loadConfig } from './env';

describe('image cache settings', () => {
  it("defaults to Nova's: a sweep every 40 minutes, unused images kept a day, no size cap", () => {
    expect(imageCacheSettings(loadConfig({}))).toEqual({ sweepMs: 2_400_000, minAgeMs: 86_400_000 });
  });

  it('takes the interval, the minimum age and the cap from COMPUTE_IMAGE_CACHE_*', () => {
    const config = loadConfig({
      COMPUTE_IMAGE_CACHE_SWEEP_SECONDS: '0',
      COMPUTE_IMAGE_CACHE_MIN_AGE_SECONDS: '3600',
      COMPUTE_IMAGE_CACHE_MAX_BYTES: '10737418240',
    });
    expect(imageCacheSettings(config)).toEqual({ sweepMs: 0, minAgeMs: 3_600_000, maxBytes: 10_737_418_240 });
  });

  it('refuses bad values, naming each variable', () => {
    expect(() =>
      loadConfig({
        COMPUTE_IMAGE_CACHE_SWEEP_SECONDS: '99999999',
        COMPUTE_IMAGE_CACHE_MIN_AGE_SECONDS: '-1',
        COMPUTE_IMAGE_CACHE_MAX_BYTES: 'lots',
      }),
    ).toThrow(
      /COMPUTE_IMAGE_CACHE_SWEEP_SECONDS: .*\n {2}COMPUTE_IMAGE_CACHE_MIN_AGE_SECONDS: .*\n {2}COMPUTE_IMAGE_CACHE_MAX_BYTES: /,
    );
  });
});

describe('image store settings', () => {
  it('defaults to the file store alone', () => {
    const c = loadConfig({});
    expect(c.IMAGE_STORES).toEqual(['file']);
    expect(c.IMAGE_DEFAULT_STORE).toBeUndefined();
  });

  it('refuses to start with s3 enabled, naming every missing setting', () => {
    let message = '';
    try {
      loadConfig({ IMAGE_STORES: 'file,s3', IMAGE_S3_BUCKET: 'images' });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const k of ['IMAGE_S3_ENDPOINT', 'IMAGE_S3_ACCESS_KEY', 'IMAGE_S3_SECRET_KEY'])
      expect(message).toContain(`${k}: required when IMAGE_STORES includes s3`);
    expect(message).not.toContain('IMAGE_S3_BUCKET');
  });

  it('refuses an unknown store and a default that is not enabled', () => {
    expect(() => loadConfig({ IMAGE_STORES: 'file,swift' })).toThrow(/IMAGE_STORES/);
    expect(() => loadConfig({ IMAGE_DEFAULT_STORE: 's3' })).toThrow(
      /IMAGE_DEFAULT_STORE: 's3' is not one of IMAGE_STORES/,
    );
  });
});
