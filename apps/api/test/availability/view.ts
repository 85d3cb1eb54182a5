type SlotAnswer = { workers: { workerId: string }[]; slots: { startsAt: string; endsAt: string; workers: number[] }[] };

/** One worker's slots in an availability answer (the first worker's unless named), in time order. */
export function slotsOf(data: SlotAnswer, workerId = data.workers[0]?.workerId): { startsAt: string; endsAt: string }[] {
  const index = data.workers.findIndex((w) => w.workerId === workerId);
  return data.slots.filter((s) => s.workers.includes(index)).map(({ startsAt, endsAt }) => ({ startsAt, endsAt }));
}
