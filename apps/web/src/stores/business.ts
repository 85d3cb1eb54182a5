/**
 * The signed-in business owner's business with its services, workers and invitations; and, for admins,
 * the businesses waiting for verification.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { businessesApi, servicesApi, type Business, type BusinessInput, type Service, type ServiceInput, type VerificationStatus } from '../api/businesses';
import { mediaApi } from '../api/media';
import { workersApi, type Worker, type WorkerInvitation } from '../api/workers';

export const useBusinessStore = defineStore('business', () => {
  const business = ref<Business | null>(null);
  const services = ref<Service[]>([]);
  const workers = ref<Worker[]>([]);
  const invitations = ref<WorkerInvitation[]>([]);
  const loaded = ref(false);
  const pending = ref<Business[]>([]);

  const id = () => {
    if (!business.value) throw new Error('No business yet');
    return business.value.id;
  };

  /** A business account has at most one business; none yet means the page offers to create it. */
  async function load(): Promise<Business | null> {
    const { data } = await businessesApi.list();
    business.value = data?.[0] ?? null;
    loaded.value = true;
    if (business.value) await Promise.all([loadServices(), loadTeam()]);
    return business.value;
  }

  async function create(input: BusinessInput): Promise<Business> {
    business.value = (await businessesApi.create(input)).data;
    services.value = business.value.services ?? [];
    return business.value;
  }

  async function update(input: BusinessInput): Promise<Business> {
    business.value = (await businessesApi.update(id(), input)).data;
    return business.value;
  }

  async function uploadImage(kind: 'logo' | 'cover', file: Blob): Promise<Business> {
    const { data: media } = await mediaApi.upload(file, kind === 'logo' ? 'business_logo' : 'business_cover');
    return update(kind === 'logo' ? { logoMediaId: media.id } : { coverMediaId: media.id });
  }

  async function loadServices(): Promise<void> {
    // The owner sees inactive services too, embedded in their own business.
    const { data } = await servicesApi.list(id());
    const embedded = business.value?.services ?? [];
    const byId = new Map([...embedded, ...(data ?? [])].map((s) => [s.id, s]));
    services.value = [...byId.values()];
  }

  async function saveService(input: Partial<ServiceInput>, serviceId?: string): Promise<Service> {
    const { data } = serviceId ? await servicesApi.update(serviceId, input) : await servicesApi.create(id(), input as ServiceInput);
    const index = services.value.findIndex((s) => s.id === data.id);
    if (index === -1) services.value.push(data);
    else services.value[index] = data;
    return data;
  }

  async function setServiceActive(service: Service, active: boolean): Promise<void> {
    await saveService({ active }, service.id);
  }

  async function loadTeam(): Promise<void> {
    const [team, invites] = await Promise.all([workersApi.list(id()), workersApi.invitations(id()).catch(() => null)]);
    workers.value = team.data ?? [];
    const fromMeta = team.meta?.pendingInvitations as WorkerInvitation[] | undefined;
    invitations.value = invites?.data ?? fromMeta ?? [];
  }

  async function inviteWorker(email: string): Promise<void> {
    const { data } = await workersApi.invite(id(), email);
    invitations.value = [
      ...invitations.value.filter((i) => i.id !== data.invitationId),
      { id: data.invitationId, email: data.email, expiresAt: data.expiresAt },
    ];
  }

  async function revokeInvitation(invitationId: string): Promise<void> {
    await workersApi.revokeInvitation(id(), invitationId);
    invitations.value = invitations.value.filter((i) => i.id !== invitationId);
  }

  async function removeWorker(workerId: string): Promise<void> {
    await workersApi.remove(id(), workerId);
    workers.value = workers.value.filter((w) => w.id !== workerId);
  }

  async function loadPending(): Promise<Business[]> {
    pending.value = (await businessesApi.list('pending')).data ?? [];
    return pending.value;
  }

  async function setVerification(businessId: string, status: VerificationStatus): Promise<Business> {
    const { data } = await businessesApi.setVerification(businessId, status);
    pending.value = pending.value.filter((b) => b.id !== businessId || data.verificationStatus === 'pending');
    return data;
  }

  return {
    business,
    services,
    workers,
    invitations,
    loaded,
    pending,
    load,
    create,
    update,
    uploadImage,
    loadServices,
    saveService,
    setServiceActive,
    loadTeam,
    inviteWorker,
    revokeInvitation,
    removeWorker,
    loadPending,
    setVerification,
  };
});
