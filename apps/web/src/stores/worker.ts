/** The signed-in worker's own record: profile and availability. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { businessesApi, type Business } from '../api/businesses';
import { ApiError } from '../api/client';
import { mediaApi } from '../api/media';
import { workersApi, type TimeOff, type WeeklyWindow, type Worker, type WorkerProfileInput } from '../api/workers';

export const useWorkerStore = defineStore('worker', () => {
  const worker = ref<Worker | null>(null);
  const businessName = ref<string | null>(null);
  const loaded = ref(false);

  /**
   * The contract has no "my worker record" endpoint: find the business the worker belongs to through
   * GET /v1/businesses (for a worker, their business) and pick the worker whose userId is ours.
   */
  async function load(userId: string): Promise<Worker | null> {
    let businesses: Business[] = [];
    try {
      businesses = (await businessesApi.list()).data ?? [];
    } catch (err) {
      // The API may not list businesses for workers (403); then the record cannot be found from here.
      if (!(err instanceof ApiError) || (err.status !== 403 && err.status !== 404)) throw err;
    }
    for (const business of businesses) {
      const { data: team } = await workersApi.list(business.id);
      const mine = (team ?? []).find((w) => w.userId === userId);
      if (mine) {
        // The team list carries public fields only; the record itself has time off too.
        worker.value = (await workersApi.get(mine.id).catch(() => ({ data: mine }))).data;
        businessName.value = business.name;
        break;
      }
    }
    loaded.value = true;
    return worker.value;
  }

  const id = () => {
    if (!worker.value) throw new Error('No worker record');
    return worker.value.id;
  };

  async function updateProfile(input: WorkerProfileInput, photo?: Blob | null): Promise<Worker> {
    const photoMediaId = photo ? (await mediaApi.upload(photo, 'worker_photo')).data.id : undefined;
    worker.value = (await workersApi.update(id(), { ...input, ...(photoMediaId ? { photoMediaId } : {}) })).data;
    return worker.value;
  }

  async function saveAvailability(weekly: WeeklyWindow[], timeOff: TimeOff[]): Promise<Worker> {
    worker.value = (await workersApi.setAvailability(id(), weekly, timeOff)).data;
    return worker.value;
  }

  return { worker, businessName, loaded, load, updateProfile, saveAvailability };
});
