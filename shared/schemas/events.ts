/**
 * The shape of an incident event as consumers receive it (from the stream image, or as an SNS
 * message body): checked at the edge of every consumer, so a malformed message fails its own
 * record and nothing else. Version 1; the `v` field says which.
 */
import * as z from 'zod';
import { EVENT_TYPES } from '../domain/events';
import { GRADES } from '../domain/grade';
import { CATEGORIES, type IncidentEvent } from '../domain/incident';

export const incidentEventSchema = z
  .looseObject({
    v: z.literal(1),
    incidentId: z.string().min(1),
    seq: z.number().int().positive(),
    type: z.enum(EVENT_TYPES),
    at: z.string().min(1),
    scope: z.looseObject({
      regionCode: z.string(),
      county: z.string().nullable(),
      city: z.string().nullable(),
      province: z.string(),
      category: z.enum(CATEGORIES),
      grade: z.enum(GRADES),
    }),
    data: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  // The rest of an event's shape is the domain's; the fields above are what consumers rely on.
  .transform((event) => event as unknown as IncidentEvent);
