/** The signed-in worker's own record: profile and availability. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../api/client';
import { mediaApi } from '../api/media';
import { workersApi, type TimeOff, type WeeklyWindow, type Worker, type WorkerProfileInput } from '../api/workers';

export const useWorkerStore = defineStore('worker', () => {
  const worker = ref<Worker | null>(null);
  const businessName = ref<string | null>(null);
  const loaded = ref(false);

  /** GET /v1/workers/me (with the business's name, also while the business is not yet public). */
  async function load(): Promise<Worker | null> {
    try {
      worker.value = (await workersApi.mine()).data;
    } catch (err) {
      // 404: this account has no active worker record (removed, or not yet joined).
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      worker.value = null;
    }
    businessName.value = worker.value?.businessName ?? null;
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
