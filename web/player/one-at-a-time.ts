/**
 * One episode plays at a time on a page (the show page holds dozens of players): starting
 * one pauses any other that plays, as a listener expects of a podcast site. Two voices at once
 * is never what was meant, and a paused episode keeps its place (position.ts saves it on pause).
 */
export function oneAtATime (elements: HTMLMediaElement[]): void {
  for (const media of elements) {
    media.addEventListener('play', () => {
      for (const other of elements) if (other !== media && !other.paused) other.pause()
    })
  }
}
