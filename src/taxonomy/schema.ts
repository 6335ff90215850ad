// The schema of a taxonomy data file (taxonomies/*.json). Adding a taxonomy is a data change.
import { z } from 'zod';
import { LocalizedText, StatementKind } from '../model/index.ts';

export const TaxonomyNodeSchema = z
  .object({
    code: z.string().min(1).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'codes use letters, digits, ".", "_" and "-"'),
    parent: z.string().nullable().default(null),
    level: z.number().int().min(1).max(6),
    name: LocalizedText,
    description: LocalizedText.optional(),
    /** The published source gives no name for this code; the name is govnav's own label. */
    projectLabel: z.boolean().default(false),
    /**
     * Special codes that are not categories of the taxonomy proper:
     * "other" (a published catch-all), "excluded", "not-coded", "unable" (unable to classify).
     */
    special: z.enum(['other', 'excluded', 'not-coded', 'unable']).optional(),
    /** Other spellings seen in published data (e.g. "Pre- deployment"), matched case-insensitively by importers. */
    aliases: z.array(z.string()).default([]),
    /** Order for display within the parent (defaults to file order). */
    order: z.number().int().optional(),
  })
  .strict();
export type TaxonomyNodeData = z.output<typeof TaxonomyNodeSchema>;

export const TaxonomySchema = z
  .object({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'taxonomy ids are lower-case slugs'),
    version: z.string().min(1),
    name: LocalizedText,
    shortName: LocalizedText.optional(),
    description: LocalizedText,
    /** Which kinds of statement are labelled on this taxonomy ([] = documents or other uses). */
    appliesTo: z.array(StatementKind).default([]),
    /** Documents rather than statements carry this label (e.g. legislative status). */
    appliesToDocuments: z.boolean().default(false),
    /** Whether the categories are ordered (for weighted agreement statistics). */
    ordinal: z.boolean().default(false),
    /** Code stored when a classifier cannot decide; must be a node with special "unable" or "other". */
    abstainCode: z.string().optional(),
    /** How labels are chosen: one code at whatever level the text supports, or only leaves. */
    labelLevels: z.enum(['any', 'leaf']).default('any'),
    /**
     * How pages show the taxonomy: `order` places it among the others (lower first: side columns,
     * charts, facets); `primaryFor` makes it the category of statements of these kinds (the first
     * labelled one by `order` is shown as the statement's category).
     */
    display: z
      .object({ order: z.number().int(), primaryFor: z.array(StatementKind).default([]) })
      .strict()
      .optional(),
    source: z
      .object({
        citation: z.string().min(1),
        url: z.string().optional(),
        note: z.string().optional(),
      })
      .strict(),
    nodes: z.array(TaxonomyNodeSchema).min(1),
  })
  .strict();
export type TaxonomyData = z.output<typeof TaxonomySchema>;
