/**
 * A photo made ready to send from a phone on a weak link: decoded, scaled so its longest side is at
 * most 2,048 px, and re-encoded as JPEG at the highest quality that lands within 600 KB — a 4 MB
 * phone photo becomes a few hundred kilobytes, still sharp enough to read a sign or count vehicles.
 * A PDF, or an image the browser cannot decode (HEIC outside Safari), is sent as it is. Each file
 * is then named by the SHA-256 of the exact bytes that will be sent.
 */
import { ATTACHMENT_LIMITS, ATTACHMENT_TYPES, type AttachmentType } from '../../../shared/domain/attachments';
import { sha256OfBytes } from '../lib/sha256';

export const MAX_SIDE_PX = 2048;
export const TARGET_BYTES = 600 * 1024;
/** Tried from the first down: the first that fits the target is used. */
const QUALITIES = [0.85, 0.78, 0.7, 0.62, 0.55, 0.48, 0.4] as const;

export interface PreparedPhoto {
  readonly blob: Blob;
  readonly sha256: string;
  readonly bytes: number;
  readonly contentType: AttachmentType;
  /** The file's name as chosen, for the person (never sent). */
  readonly name: string;
  /** The size before preparing, to show what was saved. */
  readonly originalBytes: number;
}

export type PrepareRefusal = 'type' | 'too-large';

const isAttachmentType = (type: string): type is AttachmentType =>
  (ATTACHMENT_TYPES as readonly string[]).includes(type);

const encode = (canvas: HTMLCanvasElement, quality: number): Promise<Blob | null> =>
  new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));

/** Scales and re-encodes an image; undefined when the browser cannot decode it. */
export const recompress = async (file: Blob): Promise<Blob | undefined> => {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return undefined;
  }
  const scale = Math.min(1, MAX_SIDE_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  let smallest: Blob | undefined;
  for (const quality of QUALITIES) {
    const blob = await encode(canvas, quality);
    if (!blob) continue;
    if (!smallest || blob.size < smallest.size) smallest = blob;
    if (blob.size <= TARGET_BYTES) return blob;
  }
  return smallest;
};

/** The file ready to name and send, or why it cannot be. */
export const preparePhoto = async (file: File): Promise<PreparedPhoto | PrepareRefusal> => {
  if (!isAttachmentType(file.type)) return 'type';
  const shrunk = file.type === 'application/pdf' ? undefined : await recompress(file);
  // Never send a re-encoding larger than what was chosen (a small PNG screenshot stays a PNG).
  const blob = shrunk && shrunk.size < file.size ? shrunk : file;
  if (blob.size > ATTACHMENT_LIMITS.maxBytes) return 'too-large';
  const contentType = blob === file ? file.type : 'image/jpeg';
  if (!isAttachmentType(contentType)) return 'type';
  return {
    blob,
    sha256: await sha256OfBytes(await blob.arrayBuffer()),
    bytes: blob.size,
    contentType,
    name: file.name,
    originalBytes: file.size,
  };
};
