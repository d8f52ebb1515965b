/** "3" → 2; "done" → stepCount (the recap); nothing → 0; anything else → null (like /learn). */
export function parseStepParam(step: string | undefined, stepCount: number): number | null {
  if (step === undefined || step === '') return 0
  if (step === 'done') return stepCount
  if (!/^\d{1,4}$/.test(step)) return null
  const n = Number(step)
  return n >= 1 && n <= stepCount ? n - 1 : null
}
