/** The signed-in person's saved places (home, work, others). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CreatePlaceBody, Place, UpdatePlaceBody } from '@walkydoggy/shared';
import { placesApi } from '../api/users';

export const usePlacesStore = defineStore('places', () => {
  const places = ref<Place[]>([]);
  const loaded = ref(false);

  async function load(): Promise<void> {
    places.value = (await placesApi.list()).data ?? [];
    loaded.value = true;
  }
  async function create(body: CreatePlaceBody): Promise<Place> {
    const { data } = await placesApi.create(body);
    await load();
    return data;
  }
  async function update(id: string, body: UpdatePlaceBody): Promise<Place> {
    const { data } = await placesApi.update(id, body);
    await load();
    return data;
  }
  async function remove(id: string): Promise<void> {
    await placesApi.remove(id);
    places.value = places.value.filter((p) => p.id !== id);
  }
  return { places, loaded, load, create, update, remove };
});
