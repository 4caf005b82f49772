// The job notification channel of a single process (embedded default, no Redis).
import { InMemoryNotificationChannel, type JobNotification } from 'agenda';

export class LocalNotificationChannel extends InMemoryNotificationChannel {
  /** Wakes this process's processor (e.g. after a job finished, to refill its queue). */
  async notifyLocally(notification: JobNotification): Promise<void> {
    await this.publish(notification);
  }
}
