// A project's one-way moves: converting it to version control (persistence.ts), moving its
// runbooks to Git (runbooks-in-git.ts). Each is a flag on the project's document that a server
// sets once and never clears. The repository and the destination are compared the same way for
// both: a move the repository asks for is made only when something allows it, and a move the
// destination made and the repository did not cannot be undone. Pure.
import { compareNames } from '../../core/canonical.js';
import type { JsonObject, KindDocument } from '../../core/document.js';
import type { PlanProblem } from '../../core/plan.js';

/** One of a project's one-way moves, as the plan checks it. */
export interface OneWayMove {
  /** The field of the project's document a problem names (after `project '<name>' (<file>) `). */
  field: string;
  /** Whether a project's document (the repository's or the destination's) has made the move. */
  made: (body: JsonObject) => boolean;
  /**
   * The notice saying the destination's project makes the move now, when something allows it (its
   * overlay, or a state in which the move takes nothing with it); undefined when nothing does.
   */
  allowed: (desired: KindDocument) => string | undefined;
  /** Why a move the repository asks for and nothing allows is a problem. */
  refused: (desired: KindDocument) => string;
  /** Why a move the destination made and the repository did not is a problem. */
  irreversible: string;
  /** The notice listing the repository's projects that made the move, when there are any. */
  summary: (names: string) => string;
}

export interface OneWayMoveCheck {
  space: string;
  desired: readonly KindDocument[];
  /** The destination's documents, normalized like the repository's. */
  live: readonly KindDocument[];
}

/** The problems and notices of one move for every project the repository and the destination both have. */
export function oneWayMoveFindings(input: OneWayMoveCheck, move: OneWayMove): { problems: PlanProblem[]; notices: string[] } {
  const problems: PlanProblem[] = [];
  const notices: string[] = [];
  const live = new Map(input.live.filter((doc) => doc.kind === 'projects').map((doc) => [doc.name.toLowerCase(), doc]));
  const made: string[] = [];
  for (const doc of input.desired.filter((d) => d.kind === 'projects')) {
    const wanted = move.made(doc.body);
    if (wanted) made.push(doc.name);
    const current = live.get(doc.name.toLowerCase());
    if (!current) continue;
    const where = `project '${doc.name}' (${doc.file}) ${move.field}`;
    const there = move.made(current.body);
    if (wanted && !there) {
      const notice = move.allowed(doc);
      if (notice !== undefined) notices.push(notice);
      else problems.push({ space: input.space, where, message: move.refused(doc) });
    } else if (!wanted && there) {
      problems.push({ space: input.space, where, message: move.irreversible });
    }
  }
  if (made.length > 0) notices.push(move.summary(made.sort(compareNames).join(', ')));
  return { problems, notices };
}
