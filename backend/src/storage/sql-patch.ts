/** Column and SQL value of each field a patch may carry. */
export type PatchColumns<P> = { [K in keyof Required<P>]: [string, (v: Required<P>[K]) => unknown] }

/**
 * The `SET` list of an UPDATE for the defined fields of `patch`: `sets` like `name = ?` and
 * their `values` in order. Undefined fields are left as they are.
 */
export function patchAssignments<P extends object>(
  patch: P,
  columns: PatchColumns<P>,
): { sets: string[]; values: unknown[] } {
  const sets: string[] = []
  const values: unknown[] = []
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue
    const [column, toSql] = columns[key as keyof P] as [string, (v: unknown) => unknown]
    sets.push(`${column} = ?`)
    values.push(toSql(value))
  }
  return { sets, values }
}
