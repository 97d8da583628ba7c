/// The demo database's built-in data: an agent's conversations over a few sessions, a
/// small handbook as a knowledge base, and the same handbook as a plain table of documents.
enum DemoContent {
    /// One message of a conversation.
    struct Message {
        let session: String
        let role: String
        let text: String
    }

    /// The agent whose memory the demo holds.
    static let agent = "agent-1"

    /// The conversations, session by session, in order.
    static let messages: [Message] = [
        Message(session: "session-pricing", role: "user", text: "We need to settle the pricing for the new Team plan before the launch next month."),
        Message(session: "session-pricing", role: "assistant", text: "Competitors charge between 12 and 20 dollars per seat. A price of 15 dollars per seat per month keeps us in the middle."),
        Message(session: "session-pricing", role: "user", text: "Finance wants annual billing to come with a discount, otherwise nobody will commit for a year."),
        Message(session: "session-pricing", role: "assistant", text: "We decided the pricing: the Team plan costs 15 dollars per seat per month, with a 20 percent discount for annual billing."),
        Message(session: "session-pricing", role: "user", text: "Also keep the free tier, but limit it to three projects and one gigabyte of storage."),
        Message(session: "session-outage", role: "user", text: "Checkout failed for European customers between 14:05 and 14:40 UTC yesterday."),
        Message(session: "session-outage", role: "assistant", text: "The payment gateway timed out because the connection pool was exhausted after the deploy of version 2.8."),
        Message(session: "session-outage", role: "user", text: "Roll back version 2.8 and raise the pool size from 20 to 50 connections."),
        Message(session: "session-outage", role: "assistant", text: "Rolled back to version 2.7. The pool now holds 50 connections and checkout latency is back to normal."),
        Message(session: "session-outage", role: "user", text: "Write the postmortem and add an alert when the pool is more than 80 percent busy."),
        Message(session: "session-travel", role: "user", text: "Book my trip to the Berlin conference from March 3 to March 6."),
        Message(session: "session-travel", role: "assistant", text: "I found a direct flight leaving Lisbon at 08:15 on March 3 and a hotel ten minutes from the venue."),
        Message(session: "session-travel", role: "user", text: "I prefer a window seat and a quiet room away from the elevator."),
        Message(session: "session-travel", role: "assistant", text: "Booked: window seat 14A, a quiet room on the fifth floor, and a return flight on March 6 at 18:40."),
        Message(session: "session-hiring", role: "user", text: "We are hiring two backend engineers for the storage team this quarter."),
        Message(session: "session-hiring", role: "assistant", text: "The job description asks for experience with databases, Swift or Rust, and on-call duty one week in six."),
        Message(session: "session-hiring", role: "user", text: "The salary band is settled; interviews start after the launch."),
    ]

    /// The handbook: title and Markdown text of each document.
    static let handbook: [(title: String, text: String)] = [
        ("Refund policy", """
        # Refund policy
        Customers on a monthly plan may cancel at any time; the current month is not refunded.
        Annual plans are refunded pro rata within the first 30 days. Refunds go back to the card that paid.
        """),
        ("Pricing tiers", """
        # Pricing tiers
        The Free tier allows three projects and one gigabyte of storage. The Team plan costs 15 dollars per seat
        per month, or 12 dollars per seat with annual billing. Enterprise pricing is negotiated per contract.
        """),
        ("On-call guide", """
        # On-call guide
        The on-call engineer answers pages within 15 minutes. Every incident gets a postmortem within two days.
        Alerts fire when the connection pool is more than 80 percent busy or checkout errors exceed one percent.
        """),
        ("API rate limits", """
        # API rate limits
        Each API key may send 100 requests per second. Bursts up to 200 are allowed for ten seconds.
        Clients that exceed the limit receive HTTP 429 and should retry with exponential backoff.
        """),
        ("Data retention", """
        # Data retention
        Conversation logs are kept for 90 days, then summarised and archived. Deleted projects are purged after 30 days.
        Backups are encrypted and stored in two regions.
        """),
        ("Travel policy", """
        # Travel policy
        Book flights at least two weeks ahead. Economy class for flights under six hours.
        Hotels should be within walking distance of the venue; receipts go to finance within a week.
        """),
    ]
}
