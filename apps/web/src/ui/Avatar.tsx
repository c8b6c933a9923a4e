import { useState } from "react";

/**
 * A person's or organization's picture, or their initials when there is none or it cannot load (a
 * deleted Clerk image, a blocked image host): a broken-image icon says nothing about who it is.
 */
export function Avatar({ imageUrl, name, size }: { imageUrl: string | null; name: string; size: number }) {
  // Remembered per URL, so a new picture synced from Clerk is tried again.
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  if (imageUrl && imageUrl !== failedUrl)
    return (
      <img className="avatar" src={imageUrl} alt="" width={size} height={size} onError={() => setFailedUrl(imageUrl)} />
    );
  return (
    <span
      className="avatar avatar-initials"
      data-testid="avatar-initials"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.4 }}
    >
      {initialsOf(name)}
    </span>
  );
}

/** "Ada Lovelace" is AL, "ada" is A: the first letter of the first two words. */
function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => Array.from(word)[0]?.toUpperCase() ?? "")
    .join("");
}
