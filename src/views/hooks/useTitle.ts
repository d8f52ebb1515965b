import { useEffect } from 'react'

/** Every route sets a title that says where the learner is. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Cutaway` : 'Cutaway: a see-through EKS cluster'
  }, [title])
}
