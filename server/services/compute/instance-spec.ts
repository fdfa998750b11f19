import type { TImageRef, TInstanceSpec } from '../../rpc/contracts/compute/instance-spec';
import type { TImage } from '../image/image.dto';
import type { ImageRepository } from '../image/image.repository';
import type { TInstance } from './instance.dto';

/**
 * The message a host needs to build (or rebuild, or resize) an instance: its size, and every image it boots from
 * with the URL and hashes to fetch and verify it — the host reads nothing else.
 */
export async function instanceSpecOf(
  i: TInstance,
  image: TImage,
  deps: { images: ImageRepository; imageUrl: string; authToken: string },
): Promise<TInstanceSpec> {
  const ref = (img: TImage): TImageRef => ({
    id: img.id,
    diskFormat: img.diskFormat ?? 'raw',
    size: img.size ?? 0,
    checksum: img.checksum,
    sha512: img.osHashValue,
    url: `${deps.imageUrl}/v2/images/${img.id}/file`,
  });
  const linked = async (id: string | undefined) => {
    const img = id ? await deps.images.get(id) : null;
    return img ? ref(img) : undefined;
  };
  return {
    instanceId: i.id,
    displayName: i.name,
    hostname: i.hostname,
    projectId: i.projectId,
    vcpus: i.flavor.vcpus,
    memoryMb: i.flavor.ram,
    rootGb: i.flavor.disk,
    ephemeralGb: i.flavor.ephemeral,
    swapMb: i.flavor.swap,
    image: ref(image),
    kernel: await linked(image.properties.kernel_id),
    ramdisk: await linked(image.properties.ramdisk_id),
    cmdline: image.properties.os_command_line ?? 'console=ttyS0',
    keyData: i.keyData,
    userData: i.userData,
    metadata: i.metadata,
    authToken: deps.authToken,
  };
}
