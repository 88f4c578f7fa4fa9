/**
 * The review protocol: the question (PICO), the eligibility criteria, the terms highlighted while screening and the
 * list of exclusion reasons a full-text exclusion must pick from.
 */
import { z } from "zod";

const text = z.string().trim().min(1);

export const PicoSchema = z.object({
  population: text,
  intervention: text,
  comparator: z.string().trim().default(""),
  outcomes: text,
});
export type Pico = z.output<typeof PicoSchema>;

export const ReviewProtocolSchema = z.object({
  title: text.max(300),
  question: PicoSchema,
  /** Eligibility criteria as the protocol states them (free text, one criterion per entry). */
  inclusionCriteria: z.array(text).min(1),
  exclusionCriteria: z.array(text).default([]),
  /** Words or phrases highlighted in titles and abstracts as pointing towards inclusion / exclusion. */
  inclusionTerms: z.array(text).default([]),
  exclusionTerms: z.array(text).default([]),
  /** Reasons a report can be excluded at full text (the PRISMA "reports excluded" box lists them). */
  exclusionReasons: z
    .array(text.max(200))
    .min(1)
    .refine((a) => new Set(a.map((r) => r.toLowerCase())).size === a.length, { message: "exclusion reasons must be distinct" }),
});
export type ReviewProtocol = z.output<typeof ReviewProtocolSchema>;
export type ReviewProtocolInput = z.input<typeof ReviewProtocolSchema>;

/** The two screening stages. */
export const STAGES = ["title_abstract", "full_text"] as const;
export type Stage = (typeof STAGES)[number];

/** A reviewer's vote. "maybe" at title/abstract sends the record on to full text; at full text it is not final. */
export const VOTES = ["include", "exclude", "maybe"] as const;
export type Vote = (typeof VOTES)[number];
