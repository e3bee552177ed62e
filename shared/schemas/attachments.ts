/** Bodies of the attachment routes (docs/api.md#attachments). */
import * as z from 'zod';
import { sha256Schema } from './report';

/** `POST /v1/incidents/{id}/attachments`: which of the files the incident's reports named to upload. */
export const uploadRequestBodySchema = z.strictObject({ sha256: sha256Schema });
