import { z } from 'zod';

/**
 * Building blocks for response schemas. Fastify serialises every answer through its route's schema
 * (http/serializer.ts: a fast-json-stringify writer compiled from the zod schema; unknown object keys are
 * dropped, a missing required one is an error), so an answer carries only what its schema declares.
 */

/** A moment held as a Date: written as an ISO 8601 string, documented as date-time. */
export const Timestamp = z.date();

/** The answer of an action that has nothing else to say. */
export const Ok = z.object({ ok: z.literal(true) });

/** A file answer (DOCX, XLSX, an attachment): the bytes as they are, documented with their content type. */
export function fileResponse(contentTypes: readonly string[], description: string) {
  // Fastify sends a Buffer (or a string with a non-JSON type) as it is, without calling the serialiser.
  const schema = z
    .custom<Buffer | string>((v) => Buffer.isBuffer(v) || typeof v === 'string')
    .meta({ type: 'string', format: 'binary' });
  return {
    description,
    content: Object.fromEntries(contentTypes.map((t) => [t, { schema }])),
  };
}

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
