import type { ReactNode } from "react";
import { describeApiProblem } from "../api/trpc.ts";
import { LoadingPage } from "./LoadingPage.tsx";
import { ProblemState } from "./ProblemState.tsx";

/** The part of a React Query result a page needs to decide between loading, failed and ready. */
type PageQuery<TData> =
  | { isPending: true; isError: false; data: undefined }
  | { isPending: false; isError: true; error: unknown; refetch: () => unknown }
  | { isPending: false; isError: false; data: TData };

/**
 * A page whose content depends on one query: a busy page while it loads, the problem and a retry when it
 * fails, and the content once its data is there.
 */
export function QueryPage<TData>(props: {
  query: PageQuery<TData>;
  /** What is being loaded, for the busy page ("Loading your profile…"). */
  loadingText: string;
  children: (data: TData) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) {
    return <LoadingPage text={props.loadingText} />;
  }
  if (query.isError) {
    return (
      <main className="page">
        <ProblemState problem={describeApiProblem(query.error)} onRetry={() => void query.refetch()} />
      </main>
    );
  }
  return <main className="page">{props.children(query.data)}</main>;
}
