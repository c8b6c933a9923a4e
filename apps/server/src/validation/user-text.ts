import { z } from "zod";

/**
 * Characters refused in text people type for others to read: controls (Cc), format characters (Cf:
 * bidi overrides and isolates, zero-width spaces and joiners, the BOM), lone surrogates (Cs), line and
 * paragraph separators, noncharacters, and whatever else Unicode says renders as nothing
 * (Default_Ignorable_Code_Point, e.g. the Hangul fillers used for "blank" names). They can make a
 * name look like another one, reorder the text around them on screen, or break storage: Postgres
 * refuses NUL outright.
 */
const REFUSED = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}\p{Default_Ignorable_Code_Point}]/u;

/**
 * Scripts whose writing needs the zero-width joiner and non-joiner between letters (Persian "می‌خواهم",
 * Hindi conjuncts after a virama). Only there are they part of the spelling rather than an invisible extra.
 */
const JOINING_SCRIPT =
  "[\\p{scx=Arabic}\\p{scx=Syriac}\\p{scx=Nko}\\p{scx=Mongolian}\\p{scx=Devanagari}\\p{scx=Bengali}" +
  "\\p{scx=Gurmukhi}\\p{scx=Gujarati}\\p{scx=Oriya}\\p{scx=Tamil}\\p{scx=Telugu}\\p{scx=Kannada}" +
  "\\p{scx=Malayalam}\\p{scx=Sinhala}\\p{scx=Myanmar}\\p{scx=Khmer}]";

/**
 * Invisible characters that are part of visible text, so they are accepted where they stand:
 * - a joiner inside an emoji sequence (👩‍💻, 🏳️‍🌈) or between letters of a joining script;
 * - one variation selector right after the character it styles (❤️); never a run of them, which is how
 *   data is smuggled inside an emoji;
 * - the tag characters of a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 */
const ACCEPTED_IN_PLACE = new RegExp(
  [
    "(?<=[\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\uFE0F])\\u200D(?=\\p{Extended_Pictographic})",
    `(?<=${JOINING_SCRIPT}\\p{M}*)[\\u200C\\u200D](?=${JOINING_SCRIPT})`,
    "(?<=[^\\p{Variation_Selector}\\s])\\p{Variation_Selector}",
    "(?<=\\u{1F3F4})[\\u{E0020}-\\u{E007E}]+\\u{E007F}",
  ].join("|"),
  "gu",
);

/** The first character `text` may not hold, or undefined when it is fine. */
export function findRefusedCharacter(text: string, options: { multiline: boolean }): string | undefined {
  let residue = text.replace(ACCEPTED_IN_PLACE, "");
  if (options.multiline) residue = residue.replaceAll("\n", "");
  return REFUSED.exec(residue)?.[0];
}

const isLineBreak = (character: string) => /[\n\r\p{Zl}\p{Zp}]/u.test(character);

const codePointOf = (character: string) =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * Text a person types for others to read (a display name, a bio), as it is stored and shown: NFC, so
 * the same visible text is the same string; trimmed; without the characters above; at most `max`
 * code points (zod counts those, so an emoji is one). Blank becomes null ("clear it"). `multiline` allows line breaks, stored as "\n"
 * whichever convention the client sent.
 */
export function userText(options: { label: string; max: number; multiline: boolean }) {
  const { label, max, multiline } = options;
  let text = z.string({ error: `${label} must be text` });
  if (multiline) text = text.overwrite((value) => value.replaceAll("\r\n", "\n"));
  return text
    .normalize("NFC")
    .trim()
    .superRefine((value, ctx) => {
      const refused = findRefusedCharacter(value, { multiline });
      if (refused === undefined) return;
      ctx.addIssue({
        code: "custom",
        message:
          !multiline && isLineBreak(refused)
            ? `${label} must be on one line`
            : `${label} contains an invisible or control character (${codePointOf(refused)}): remove it`,
      });
    })
    .max(max, { message: `${label} must be at most ${max} characters` })
    .transform((value) => value || null);
}
