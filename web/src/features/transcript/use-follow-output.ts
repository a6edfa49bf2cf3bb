/**
 * Follow new output while the reader is at the bottom of the page, as chat apps do: a turn that
 * streams (started here or on another device) stays in view. Scrolling up stops following, so
 * reading older messages is never interrupted; `jumpToLatest` (the "Jump to latest" button)
 * scrolls down and follows again. The page itself scrolls (the window), not a box inside it.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

/** Within this many pixels of the end counts as at the bottom (a line of slack for rounding). */
const BOTTOM_SLACK_PX = 48;

function atBottom(): boolean {
  const page = document.documentElement;
  return window.innerHeight + window.scrollY >= page.scrollHeight - BOTTOM_SLACK_PX;
}

function scrollToEnd(): void {
  // Instant, not smooth: a smooth scroll passes through "not at the bottom" and would stop following.
  window.scrollTo({ top: document.documentElement.scrollHeight, behavior: "instant" });
}

/**
 * `output` is anything that changes when new output arrives (the transcript); `startFollowing` is
 * false when the page opens on a particular message (a search hit) rather than at the end.
 */
export function useFollowOutput(output: unknown, startFollowing: boolean): { following: boolean; jumpToLatest: () => void } {
  const [following, setFollowing] = useState(startFollowing);
  // Read in the layout effect below without re-running it when only the flag changes.
  const followingRef = useRef(startFollowing);

  useEffect(() => {
    // Only scroll events move the flag: content growing under a reader at the bottom does not
    // fire one, so they keep following; the reader scrolling up does, so they stop.
    const onScroll = () => {
      const now = atBottom();
      if (now === followingRef.current) return;
      followingRef.current = now;
      setFollowing(now);
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => window.removeEventListener("scroll", onScroll);
  }, []);

  // Before paint, so a token never flashes below the fold first.
  useLayoutEffect(() => {
    if (followingRef.current) scrollToEnd();
  }, [output]);

  const jumpToLatest = useCallback(() => {
    followingRef.current = true;
    setFollowing(true);
    scrollToEnd();
  }, []);

  return { following, jumpToLatest };
}
